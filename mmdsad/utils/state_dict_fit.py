"""Whether a checkpoint's state dict fits a module, said key by key.

mmengine loads non-strictly and only logs what does not fit, so a wrong
checkpoint would silently leave random weights. Every strict check of
mmdsad (a network for inference or testing, a distillation teacher) goes
through :func:`check_state_dict_fits` and raises the same error.
"""
from typing import Dict, List

import torch

# Keys listed per kind of mismatch in an error message.
MAX_LISTED_KEYS = 10


class CheckpointMismatchError(RuntimeError):
    """A checkpoint's weights do not fit the module they are meant for."""


def _listed(kind: str, keys: List[str]) -> str:
    shown = ', '.join(keys[:MAX_LISTED_KEYS])
    more = len(keys) - MAX_LISTED_KEYS
    return f'{kind} ({len(keys)}): {shown}' + (f' ... and {more} more'
                                               if more > 0 else '')


def state_dict_mismatches(expected: Dict[str, torch.Tensor],
                          state: Dict[str, torch.Tensor]) -> List[str]:
    """What keeps ``state`` from loading strictly where ``expected`` is.

    Args:
        expected (dict[str, Tensor]): The module's own state dict.
        state (dict[str, Tensor]): The checkpoint's.

    Returns:
        list[str]: One entry per kind of mismatch (keys missing from the
        checkpoint, keys the module does not have, shapes that differ),
        each with its count and the first keys; empty when it fits.
    """
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    wrong_shape = sorted(
        f'{key} {tuple(state[key].shape)} vs {tuple(expected[key].shape)}'
        for key in set(expected) & set(state)
        if state[key].shape != expected[key].shape)
    return [
        _listed(kind, keys)
        for kind, keys in (('missing from the checkpoint', missing),
                           ('not in the network', unexpected),
                           ('checkpoint vs network shape', wrong_shape))
        if keys
    ]


def check_state_dict_fits(expected: Dict[str, torch.Tensor],
                          state: Dict[str, torch.Tensor], what: str,
                          fix: str = '') -> None:
    """Raise unless ``state`` loads strictly where ``expected`` is.

    Args:
        expected (dict[str, Tensor]): The module's own state dict.
        state (dict[str, Tensor]): The checkpoint's.
        what (str): Start of the message, e.g. ``'a.pth does not match the
            network of b.py'``.
        fix (str): What to do about it, appended to the message.

    Raises:
        CheckpointMismatchError: The mismatches, listed.
    """
    problems = state_dict_mismatches(expected, state)
    if problems:
        raise CheckpointMismatchError(f'{what}: ' + '; '.join(problems) +
                                      '.' + (f' {fix}' if fix else ''))
