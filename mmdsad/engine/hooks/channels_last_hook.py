"""Run a model in the channels-last memory layout (faster CPU convolutions).
"""
from typing import Any, Dict, Tuple

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmseg.registry import HOOKS
from torch import Tensor, nn


def inputs_channels_last(module: nn.Module, args: Tuple,
                          kwargs: Dict[str, Any]) -> Tuple[Tuple, Dict]:
    """Forward pre-hook: 4-D ``inputs`` (first argument or keyword) in the
    channels-last layout."""
    if args and isinstance(args[0], Tensor) and args[0].dim() == 4:
        args = (args[0].contiguous(memory_format=torch.channels_last),
                *args[1:])
    inputs = kwargs.get('inputs')
    if isinstance(inputs, Tensor) and inputs.dim() == 4:
        kwargs['inputs'] = inputs.contiguous(memory_format=torch.channels_last)
    return args, kwargs


@HOOKS.register_module()
class ChannelsLastHook(Hook):
    """Put the model's weights and its input batches in channels-last layout.

    oneDNN (PyTorch's CPU convolutions) computes in a channels-last layout
    and reorders NCHW tensors on every call, forward and backward. Holding
    weights and inputs channels-last removes those reorders: one training
    step of the demo's DNANet num16 teacher took 0.71-0.77 s against
    0.93-1.11 s in NCHW on a 2-core EPYC (docs/results.md). The arithmetic is
    the same up to floating-point summation order; checkpoints are
    unaffected (a state dict loads into a model of either layout).
    """

    priority = 'VERY_HIGH'

    def before_run(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        model.to(memory_format=torch.channels_last)
        if not getattr(model, '_channels_last_inputs', False):
            model.register_forward_pre_hook(
                inputs_channels_last, with_kwargs=True)
            model._channels_last_inputs = True
