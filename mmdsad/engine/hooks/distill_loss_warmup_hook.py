"""Bring an MMRazor distiller's losses in gradually."""
from typing import Dict, Tuple

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmseg.registry import HOOKS
from torch import Tensor, nn


@HOOKS.register_module()
class DistillLossWarmupHook(Hook):
    """Scale every distillation loss by a ramp over iterations.

    Before iteration ``start_iter`` the distillation losses are off (their
    outputs are multiplied by 0); from there the factor rises linearly and
    reaches 1, the configured weights (e.g. DSAD's β = 2), after
    ``warmup_iters`` more iterations. The factor multiplies what each loss
    module of the distiller returns, so it works for any loss whatever its
    weight is called (MGD's ``alpha_mgd``). The task loss is untouched.
    This is in neither the DSAD paper, which is silent on when distillation
    starts, nor the comparison methods' papers; docs/dsad-collapse.md and
    docs/results.md record why and when it matters: with Adagrad,
    gradients of a randomly initialised student's distillation losses
    dominate its first updates and stay in the accumulated squared
    gradients for the rest of training.

    Args:
        warmup_iters (int): Length of the linear ramp, >= 0 (0: a step).
        start_iter (int): First iteration with a non-zero factor, >= 0.
    """

    priority = 'NORMAL'

    def __init__(self, warmup_iters: int, start_iter: int = 0) -> None:
        for name, value in (('warmup_iters', warmup_iters),
                            ('start_iter', start_iter)):
            if isinstance(value, bool) or not isinstance(
                    value, int) or value < 0:
                raise ValueError(f'DistillLossWarmupHook: {name} must be an '
                                 f'integer >= 0, got {value!r}')
        self.warmup_iters = warmup_iters
        self.start_iter = start_iter
        self.current_factor = 1.0

    def factor(self, iteration: int) -> float:
        """The ramp's value at ``iteration`` (0-based), in [0, 1]."""
        if iteration < self.start_iter:
            return 0.0
        if self.warmup_iters == 0:
            return 1.0
        return min(1.0, (iteration - self.start_iter + 1) / self.warmup_iters)

    @staticmethod
    def _losses(runner) -> Dict:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        distiller = getattr(model, 'distiller', None)
        if distiller is None or not hasattr(distiller, 'distill_losses'):
            raise TypeError(
                'DistillLossWarmupHook needs an MMRazor distillation model '
                f'with a distiller, got {type(model).__name__}; remove the '
                'hook from custom_hooks or train a distillation config')
        return distiller.distill_losses

    def _scale(self, module: nn.Module, inputs: Tuple,
               output: Tensor) -> Tensor:
        return output * self.current_factor

    def before_train(self, runner) -> None:
        """Make every distillation loss return its output times the
        current factor."""
        self.current_factor = self.factor(runner.iter)
        for loss in self._losses(runner).values():
            loss.register_forward_hook(self._scale)

    def before_train_iter(self,
                          runner,
                          batch_idx: int,
                          data_batch=None) -> None:
        """Set the factor of this iteration."""
        self.current_factor = self.factor(runner.iter)
