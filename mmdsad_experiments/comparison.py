"""The variants and run configs of a comparison of distillation methods.

``tools/analysis_tools/compare_distill.py`` (and ``reproduce.py``) train
the student alone and distilled students, all with one teacher, once per
seed. A distilled student is a :class:`Variant`: a method of Table 1
(its config from :mod:`.method_configs`) or any distillation config with
its own ``--cfg-options`` entries. A :class:`Schedule` can
replace every run's schedule (a count of iterations) and data (another
dataset config's loaders); the run then trains a config written beside its
runs that inherits its own.
"""
import hashlib
import json
import os
import os.path as osp
from dataclasses import dataclass, field
from typing import List, Optional

import torch

from mmdsad.utils import load_checkpoint_file

from .method_configs import (
    composed_method_config,
    data_overrides,
    inheriting_config,
)
from .study_runs import StudyRun, StudySettings
from .study_summary import ALONE


def iteration_schedule(iters: int, warmup_iters: int) -> dict:
    """DSAD's cosine counted in ``iters`` iterations, after ``warmup_iters``
    of linear warm-up; one checkpoint and one test at the end, no
    validation during training."""
    cosine = dict(
        type='CosineAnnealingLR',
        T_max=iters - warmup_iters,
        eta_min=1e-5,
        by_epoch=False,
        begin=warmup_iters,
        end=iters)
    warmup = [
        dict(
            type='LinearLR',
            start_factor=1e-3,
            by_epoch=False,
            begin=0,
            end=warmup_iters)
    ] if warmup_iters else []
    return dict(
        train_cfg=dict(
            _delete_=True,
            type='IterBasedTrainLoop',
            max_iters=iters,
            val_interval=iters,
            val_begin=iters + 1),
        param_scheduler=warmup + [cosine],
        default_hooks=dict(
            logger=dict(interval=1, log_metric_by_epoch=False),
            checkpoint=dict(by_epoch=False, interval=iters, save_best=None)),
        # Every iteration's own time, not a 10-iteration mean.
        log_processor=dict(by_epoch=False, window_size=1))


def weights_sha256(checkpoint: str) -> str:
    """The SHA-256 of a checkpoint's weights, not of its file.

    A checkpoint's metadata (mmengine's ``meta``: the time, the experiment
    name, the config's text) differs between two trainings that produced
    the same weights, so the file's bytes do not identify a teacher; its
    state dict does: every entry's name, dtype, shape and bytes, in name
    order.

    Args:
        checkpoint (str): A weights-only checkpoint (``{'state_dict': ...}``
            or a bare state dict), read with ``weights_only=True``.

    Returns:
        str: The hex digest.
    """
    loaded = load_checkpoint_file(checkpoint, map_location='cpu')
    state_dict = loaded.get('state_dict', loaded)
    digest = hashlib.sha256()
    for name in sorted(state_dict):
        tensor = state_dict[name].detach().contiguous().reshape(-1)
        digest.update(f'{name} {tensor.dtype} '
                      f'{tuple(state_dict[name].shape)}\n'.encode())
        digest.update(tensor.view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


@dataclass
class Schedule:
    """What replaces the configs' own schedule and data in every run.

    Args:
        iters (int, optional): Iterations of :func:`iteration_schedule`
            instead of the configs' epochs; None keeps their schedule.
        warmup_iters (int): Its linear learning-rate warm-up.
        data_config (str, optional): A dataset config whose loaders and
            evaluators (``DATA_KEYS``) replace every run's.
    """
    iters: Optional[int] = None
    warmup_iters: int = 0
    data_config: Optional[str] = None

    def config(self, name: str, config: str, work_dir: str) -> str:
        """``config`` itself, or a config inheriting it with this schedule
        and data, written to ``<work_dir>/configs/<name>.py``."""
        overrides = {}
        if self.iters is not None:
            overrides.update(iteration_schedule(self.iters,
                                                self.warmup_iters))
        if self.data_config is not None:
            overrides.update(data_overrides(self.data_config))
        if not overrides:
            return config
        return inheriting_config(
            osp.join(work_dir, 'configs', f'{name}.py'), config, overrides)

    def describe(self) -> str:
        """The schedule in words."""
        if self.iters is None:
            return 'the configs\' own schedule'
        return (f'{self.iters} iterations, {self.warmup_iters} of '
                'learning-rate warm-up' +
                (f', data of {self.data_config}' if self.data_config else ''))


@dataclass
class Variant:
    """A distilled student: its name (its folder), its distillation config
    and its own ``--cfg-options`` entries."""
    name: str
    config: str
    overrides: List[str] = field(default_factory=list)


def method_variants(methods: List[str], net: str, data: str,
                    work_dir: str) -> List[Variant]:
    """Table 1's methods for ``net`` on ``data``, composed configs written
    to ``<work_dir>/configs/`` (:func:`composed_method_config`)."""
    out_dir = osp.join(work_dir, 'configs')
    return [
        Variant(m, composed_method_config(m, net, data, out_dir))
        for m in methods
    ]


@dataclass
class Comparison:
    """What the runs of a comparison share.

    Args:
        settings (StudySettings): Their work dir, data, options, threads
            and launcher.
        teacher_ckpt (str): Weights-only teacher checkpoint of every
            distilled student.
        student (str): Config of the student alone.
        schedule (Schedule): Their schedule and data.
    """
    settings: StudySettings
    teacher_ckpt: str
    student: str
    schedule: Schedule = field(default_factory=Schedule)

    def bind_teacher(self) -> str:
        """Tie the work dir's results to the teacher's weights.

        Finished runs are kept by their result files alone, so a re-run
        would otherwise mix students distilled from two teachers: the first
        call writes the SHA-256 of the teacher's weights
        (:func:`weights_sha256`) to ``<work_dir>/teacher.json`` and every
        later one checks it. Copying a work dir's result files and this file
        elsewhere (another machine, another session) resumes the comparison
        there with a teacher retrained to the same weights.

        Returns:
            str: The SHA-256 of the teacher's weights.

        Raises:
            ValueError: The work dir's results came from another teacher,
                or its record predates the weights' hash.
        """
        sha256 = weights_sha256(self.teacher_ckpt)
        record = osp.join(self.settings.work_dir, 'teacher.json')
        if osp.exists(record):
            with open(record, encoding='utf-8') as file:
                bound = json.load(file)
            if 'weights_sha256' not in bound:
                raise ValueError(
                    f'{record} holds the SHA-256 of a checkpoint file\'s '
                    'bytes (an older mmdsad), which changes with its '
                    'metadata: re-run in a new work dir, or replace its '
                    "'sha256' by 'weights_sha256' "
                    f'{sha256} if {bound["checkpoint"]} is this teacher.')
            if bound['weights_sha256'] != sha256:
                raise ValueError(
                    f'{self.settings.work_dir} holds results distilled from '
                    f'the teacher {bound["checkpoint"]} (weights SHA-256 '
                    f'{bound["weights_sha256"]}, {record}), not from '
                    f'{self.teacher_ckpt} (weights SHA-256 {sha256}). Pass '
                    'that teacher, or another work dir for this one.')
            return sha256
        os.makedirs(self.settings.work_dir, exist_ok=True)
        # Replaced whole, so an interrupted write leaves no half record.
        with open(record + '.tmp', 'w', encoding='utf-8') as file:
            json.dump(dict(checkpoint=osp.abspath(self.teacher_ckpt),
                           weights_sha256=sha256), file, indent=1)
        os.replace(record + '.tmp', record)
        return sha256

    def teacher_option(self) -> List[str]:
        """The ``--cfg-options`` entry of the teacher's checkpoint."""
        return [f'model.teacher_ckpt={osp.abspath(self.teacher_ckpt)}']

    def runs(self, variants: List[Variant],
             seeds: List[int]) -> List[StudyRun]:
        """Every (variant, seed) run, the student alone first, each with
        its config under the schedule (:meth:`Schedule.config`, written
        into the work dir)."""
        named = [(ALONE, self.student, [])] + [
            (v.name, v.config, self.teacher_option() + v.overrides)
            for v in variants
        ]
        return [
            StudyRun(
                name,
                self.schedule.config(name, config, self.settings.work_dir),
                overrides, seed) for name, config, overrides in named
            for seed in seeds
        ]
