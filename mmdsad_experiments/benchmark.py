"""Helpers of the training-step benchmarks (tools/analysis_tools/)."""
import os.path as osp
import time
from typing import Callable

import torch
from mmengine.config import Config, ConfigDict
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmrazor.registry import MODELS
from mmseg.structures import SegDataSample

from mmdsad.utils.weights_only import save_weights_only


def synthetic_batch(batch_size: int, size: int) -> dict:
    """Random images with one 3x3 target each, as the dataloader packs.

    Args:
        batch_size (int): Images in the batch.
        size (int): Side of the square images.

    Returns:
        dict: ``inputs`` (uint8 tensors of shape (3, size, size)) and
        ``data_samples`` (``SegDataSample`` with ``gt_sem_seg``).
    """
    generator = torch.Generator().manual_seed(0)
    inputs, samples = [], []
    for _ in range(batch_size):
        inputs.append(
            torch.randint(
                0, 256, (3, size, size), dtype=torch.uint8,
                generator=generator))
        mask = torch.zeros(1, size, size, dtype=torch.long)
        mask[0, size // 2:size // 2 + 3, size // 3:size // 3 + 3] = 1
        sample = SegDataSample(
            metainfo=dict(img_shape=(size, size), ori_shape=(size, size)))
        sample.gt_sem_seg = PixelData(data=mask)
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


def seconds_per_call(fn: Callable, iters: int, warmup: int) -> float:
    """Mean wall time of ``fn()`` after ``warmup`` untimed calls.

    Args:
        fn (Callable): What to time.
        iters (int): Timed calls.
        warmup (int): Untimed calls first.

    Returns:
        float: Seconds per call.
    """
    for _ in range(warmup):
        fn()
    start = time.perf_counter()
    for _ in range(iters):
        fn()
    return (time.perf_counter() - start) / iters


def train_step_seconds(model: torch.nn.Module, data: dict, iters: int,
                       warmup: int) -> float:
    """Seconds per ``model.train_step`` with the paper's Adagrad (lr 0.05).

    Args:
        model (nn.Module): An mmengine model, in training mode.
        data (dict): A batch as the dataloader packs it.
        iters (int): Timed steps.
        warmup (int): Untimed steps first.

    Returns:
        float: Seconds per training step (forward, backward, update).
    """
    optim_wrapper = OptimWrapper(
        torch.optim.Adagrad(model.parameters(), lr=0.05))
    return seconds_per_call(lambda: model.train_step(data, optim_wrapper),
                            iters, warmup)


def build_with_random_teacher(cfg: Config, folder: str) -> torch.nn.Module:
    """A distillation config's own algorithm with a random teacher.

    The algorithms refuse to run without a teacher checkpoint, so a randomly
    initialised teacher is saved weights-only to ``folder`` first: timing
    needs the same computation, not trained weights.

    Args:
        cfg (Config): A distillation config.
        folder (str): Where the teacher checkpoint is written.

    Returns:
        nn.Module: The built algorithm.
    """
    init_default_scope('mmrazor')
    teacher = MODELS.build(ConfigDict(cfg.model.teacher))
    teacher_ckpt = osp.join(folder, 'random_teacher.pth')
    save_weights_only(teacher.state_dict(), {}, teacher_ckpt)
    return MODELS.build(ConfigDict(cfg.model, teacher_ckpt=teacher_ckpt))
