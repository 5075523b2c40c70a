"""Build the plain IRSTD network of a config and load a checkpoint into it.

One entry point for every way a trained model reaches inference: a plain
network's checkpoint, a distilled student (MMRazor saves it under
``architecture.``, beside ``teacher.*`` and ``distiller.*``) and an FDEP
(CO-ISD) model (``architecture.*`` plus ``samf.*``, whose deployed model is
the plain network). Checkpoints are read weights-only.
"""
from typing import Dict, Union

import torch
from mmengine.config import Config, ConfigDict
from mmengine.hub import get_config
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.registry import init_default_scope
from mmengine.runner.checkpoint import CheckpointLoader
from mmseg.registry import MODELS
from torch import nn

from mmdsad.utils.checkpoint import CONVERTER, load_checkpoint_file
from mmdsad.utils.state_dict_fit import (
    CheckpointMismatchError,
    check_state_dict_fits,
)

ARCHITECTURE_PREFIX = 'architecture.'


def network_config(cfg: Union[str, Config]) -> ConfigDict:
    """The config of the network that inference runs.

    Args:
        cfg (str | Config): A network config, or an FDEP (CO-ISD) or
            distillation config whose ``model.architecture`` is the network,
            as a model dict or as MMRazor's ``cfg_path`` to a network config
            (``mmdsad::dnanet/dnanet_num4_nudt.py``).

    Returns:
        ConfigDict: The segmentor's model config.

    Raises:
        ValueError: The architecture is neither a model dict nor a
            ``cfg_path``.
    """
    if isinstance(cfg, str):
        cfg = Config.fromfile(cfg)
    model = cfg.model
    architecture = model.get('architecture')
    if architecture is None:
        return model
    if 'type' in architecture:
        return architecture
    if 'cfg_path' not in architecture:
        raise ValueError(
            f'the config {cfg.filename} has model.architecture '
            f'{architecture}, neither a model (no "type") nor a cfg_path; '
            'fix model.architecture')
    # What mmengine's get_model (MMRazor's cfg_path build) builds.
    network = get_config(architecture.cfg_path)
    if 'data_preprocessor' in network:
        network.model.data_preprocessor = network.data_preprocessor
    return network.model


def network_state_dict(checkpoint: dict,
                       filename: str) -> Dict[str, torch.Tensor]:
    """The network's weights in a loaded checkpoint.

    Args:
        checkpoint (dict): A weights-only checkpoint (``state_dict`` and
            ``meta``) or a bare state dict.
        filename (str): Its path, for messages.

    Returns:
        dict[str, Tensor]: The state dict; from a distillation or CO-ISD
        checkpoint, the ``architecture.`` entries without the prefix (the
        teacher, distiller and SAMF entries are dropped, with a notice).
    """
    state = checkpoint.get('state_dict', checkpoint)
    if not isinstance(state, dict):
        raise CheckpointMismatchError(
            f'{filename} holds no state dict (found {type(state).__name__})')
    if not any(key.startswith(ARCHITECTURE_PREFIX) for key in state):
        return state
    dropped = sorted({
        key.split('.', 1)[0]
        for key in state if not key.startswith(ARCHITECTURE_PREFIX)
    })
    if dropped:
        print_log(
            f'{filename}: using the network under {ARCHITECTURE_PREFIX!r}; '
            f'dropping {", ".join(p + ".*" for p in dropped)} (to do this '
            f'once: python {CONVERTER} {filename} OUT --strip-prefix '
            f'{ARCHITECTURE_PREFIX})',
            logger='current')
    return {
        key[len(ARCHITECTURE_PREFIX):]: value
        for key, value in state.items() if key.startswith(ARCHITECTURE_PREFIX)
    }


def load_network_weights(network: nn.Module, state: Dict[str, torch.Tensor],
                         filename: str, config_name: str) -> None:
    """Load ``state`` into ``network`` exactly, or say what does not fit.

    Args:
        network (nn.Module): The built network.
        state (dict[str, Tensor]): Its weights.
        filename (str): Checkpoint path, for the message.
        config_name (str): Config path, for the message.

    Raises:
        CheckpointMismatchError: Keys missing from the checkpoint, keys the
            network does not have, or shapes that differ, listed.
    """
    check_state_dict_fits(
        network.state_dict(), state,
        f'{filename} does not match the network of {config_name}',
        'Check that the config is the one the checkpoint was trained with '
        '(network and width).')
    network.load_state_dict(state, strict=True)


def check_checkpoint_fits(model: nn.Module, filename: str,
                          config_name: str) -> None:
    """Refuse a checkpoint that would not load strictly into ``model``.

    mmengine loads ``load_from`` non-strictly and only logs what is
    missing, so a wrong checkpoint would be tested as a network with
    random weights.

    Args:
        model (nn.Module): The model a config built (a plain network, a
            distillation or an FDEP model).
        filename (str): Checkpoint path.
        config_name (str): Config path, for the message.

    Raises:
        CheckpointMismatchError: A distilled or FDEP checkpoint for a plain
            network (the message gives the export command), or any other
            key or shape that does not fit, listed.
    """
    if is_model_wrapper(model):
        model = model.module
    # Through mmengine's schemes (URLs, open-mmlab://), all weights-only.
    checkpoint = CheckpointLoader.load_checkpoint(filename, map_location='cpu')
    state = checkpoint.get('state_dict', checkpoint)
    expected = model.state_dict()
    if (any(key.startswith(ARCHITECTURE_PREFIX) for key in state) and
            not any(key.startswith(ARCHITECTURE_PREFIX) for key in expected)):
        extra = sorted({key.split('.', 1)[0] for key in state} -
                       {ARCHITECTURE_PREFIX[:-1]})
        raise CheckpointMismatchError(
            f'{filename} holds a distilled or FDEP model (architecture.*' +
            ''.join(f', {p}.*' for p in extra) + f'), but {config_name} is '
            'the plain network. Export the network once and test that: '
            f'python {CONVERTER} {filename} OUT.pth --strip-prefix '
            f'{ARCHITECTURE_PREFIX}')
    check_state_dict_fits(
        expected, state, f'{filename} does not match the model of '
        f'{config_name}')


def load_network(cfg: Union[str, Config],
                 checkpoint: str,
                 device: str = 'cpu') -> nn.Module:
    """Build a config's network, load a checkpoint, switch to eval mode.

    Args:
        cfg (str | Config): Config path or object (see
            :func:`network_config`).
        checkpoint (str): Weights-only checkpoint path (see
            :mod:`mmdsad.utils.checkpoint` for converting a full one).
        device (str): Torch device. Defaults to 'cpu'.

    Returns:
        nn.Module: The mmseg segmentor, in eval mode, on ``device``.
    """
    if isinstance(cfg, str):
        cfg = Config.fromfile(cfg)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    network = MODELS.build(network_config(cfg))
    state = network_state_dict(
        load_checkpoint_file(checkpoint, map_location='cpu'), checkpoint)
    load_network_weights(network, state, checkpoint, cfg.filename)
    return network.to(device).eval()
