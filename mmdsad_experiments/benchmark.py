"""Helpers of the training-step benchmarks (tools/analysis_tools/benchmark_*):
synthetic batches, timed calls and steps, and a step's teacher parts."""
import os.path as osp
import time
from typing import Callable, Dict

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


def step_breakdown(algorithm: torch.nn.Module, cfg: Config, data: dict,
                   iters: int, warmup: int) -> Dict[str, float]:
    """Seconds of the parts of a distillation step that are the teacher's:
    its frozen forward and, for DSAD, the DSA weight maps of its features
    (the connectors named ``*_weight``), both without gradients.

    Args:
        algorithm (nn.Module): A distillation algorithm built from ``cfg``.
        cfg (Config): Its config (the teacher recorders' layers).
        data (dict): A batch as the dataloader packs it.
        iters (int): Timed calls.
        warmup (int): Untimed calls first.

    Returns:
        dict: ``{'teacher forward': s}``, and ``'DSA weight maps'`` when
        the distiller has weight connectors.
    """
    inputs = algorithm.data_preprocessor(data, training=True)['inputs']
    weight_connectors = [
        connector
        for name, connector in algorithm.distiller.connectors.items()
        if name.endswith('_weight')
    ]
    with torch.no_grad():
        parts = {
            'teacher forward':
            seconds_per_call(lambda: algorithm.teacher(inputs, mode='tensor'),
                             iters, warmup)
        }
        if not weight_connectors:
            return parts
        # The recorded teacher features, in the order of its modules.
        sources = {
            recorder.source
            for recorder in cfg.model.distiller.teacher_recorders.values()
        }
        features = {}
        hooks = [
            module.register_forward_hook(
                lambda m, i, o, name=name: features.__setitem__(name, o))
            for name, module in algorithm.teacher.named_modules()
            if name in sources
        ]
        algorithm.teacher(inputs, mode='tensor')
        for hook in hooks:
            hook.remove()
        parts['DSA weight maps'] = seconds_per_call(
            lambda: [
                connector(feature) for connector, feature in zip(
                    weight_connectors, features.values())
            ], iters, warmup)
    return parts
