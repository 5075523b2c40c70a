"""Distributed training with mmengine 0.10 on a machine without CUDA.

mmengine's pytorch launcher (``mmengine.dist.utils._init_dist_pytorch``)
calls ``torch.cuda.set_device(local_rank)`` before starting the process
group whatever the backend, which raises on a torch build without CUDA, so
``--launcher pytorch`` cannot run on CPU even with the gloo backend.
:func:`patch_mmengine_dist`, applied by ``import mmdsad``, starts the
process group without choosing a device when CUDA is unavailable; with
CUDA, mmengine's own function runs unchanged.

On CPU a run also needs ``env_cfg.dist_cfg.backend=gloo`` (the configs ask
for nccl) and ``model_wrapper_cfg.device_ids=None`` (the runner passes the
local rank as a device id, which DDP refuses for a CPU module).
"""
import torch
import torch.distributed as torch_dist
from mmengine.dist import utils as dist_utils


def _init_dist_pytorch_cpu(backend: str,
                           init_backend: str = 'torch',
                           **kwargs) -> None:
    """Start the process group from torchrun's environment, no device.

    Args:
        backend (str): torch.distributed backend (gloo on CPU).
        init_backend (str): Only ``'torch'`` exists without CUDA.
        **kwargs: Passed to ``init_process_group``.
    """
    if init_backend != 'torch':
        raise ValueError(f'init_backend {init_backend!r} needs CUDA; on '
                         "CPU only 'torch' works")
    torch_dist.init_process_group(backend=backend, **kwargs)


def patch_mmengine_dist() -> None:
    """Let mmengine's pytorch launcher run without CUDA (idempotent)."""
    if not torch.cuda.is_available():
        dist_utils._init_dist_pytorch = _init_dist_pytorch_cpu
