"""Checks that stop a distillation run before its first iteration.

MMRazor builds a distillation even when its teacher checkpoint belongs to
another network (mmengine loads non-strictly and only logs the mismatch) and
fails on a misspelt recorder with a bare assertion. A user would lose a run,
or distil from a half-random teacher. The algorithm
:class:`~mmdsad.models.algorithms.CheckedTeacherDistill` runs these checks
while it is built, so every entry point (``Runner.from_cfg``, ``mim train``,
``tools/train.py``) refuses the same input with the same explanation.
"""
from typing import Dict

import torch
import torch.nn as nn

from .checkpoint import CONVERTER, load_checkpoint_file
from .names import closest_names
from .state_dict_fit import check_state_dict_fits

MODULE_RECORDERS = ('ModuleOutputs', 'ModuleInputs')


class DistillConfigError(ValueError):
    """A distillation config that cannot run as written."""


def check_recorders(model: nn.Module, recorders: Dict, side: str) -> None:
    """Every module recorder must name a module of ``model``.

    Args:
        model (nn.Module): The student or the teacher.
        recorders (dict): Recorder configs by name.
        side (str): 'student' or 'teacher', for the message.

    Raises:
        DistillConfigError: A recorder's source is not a module name.
    """
    names = [name for name, _ in model.named_modules() if name]
    for recorder_name, recorder in (recorders or {}).items():
        if recorder.get('type') not in MODULE_RECORDERS:
            continue
        source = recorder['source']
        if source not in names:
            raise DistillConfigError(
                f'{side} recorder {recorder_name!r} records module '
                f'{source!r}, which the {side} does not have. Closest '
                f'module names: {closest_names(source, names)}. Fix '
                f'model.distiller.{side}_recorders.{recorder_name}.source.')


def load_teacher_state(teacher: nn.Module,
                       filename: str) -> Dict[str, torch.Tensor]:
    """Read the teacher checkpoint once and check it holds exactly its weights.

    Args:
        teacher (nn.Module): The teacher built from the config.
        filename (str): ``model.teacher_ckpt``.

    Returns:
        dict[str, Tensor]: The state dict, keys as in ``teacher`` (a
        ``module.`` prefix of distributed training removed).

    Raises:
        DistillConfigError: No checkpoint is set.
        FileNotFoundError: The file does not exist.
        UnsafeCheckpointError: It is not weights-only (see
            :mod:`mmdsad.utils.checkpoint`).
        CheckpointMismatchError: Its keys or shapes differ from the
            teacher's (another network or another width).
    """
    if not filename:
        raise DistillConfigError(
            'model.teacher_ckpt is not set: distillation needs a trained '
            'teacher. Train it with the teacher config, convert it with '
            f'{CONVERTER} and pass --cfg-options model.teacher_ckpt=<file>.')
    checkpoint = load_checkpoint_file(filename, map_location='cpu')
    state = checkpoint.get('state_dict', checkpoint)
    state = {k.removeprefix('module.'): v for k, v in state.items()}
    check_state_dict_fits(
        teacher.state_dict(), state,
        f'teacher checkpoint {filename} does not match the teacher config '
        '(another network or width?)',
        'Use the checkpoint of a teacher trained with the config in '
        'model.teacher.')
    return state
