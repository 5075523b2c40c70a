"""Bring an MMRazor distiller's losses in gradually."""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmseg.registry import HOOKS


@HOOKS.register_module()
class DistillLossWarmupHook(Hook):
    """Scale every distillation loss by a ramp over iterations.

    Before iteration ``start_iter`` the distillation losses are off; from
    there the factor rises linearly and reaches 1, the configured weights
    (e.g. DSAD's β = 2), after ``warmup_iters`` more iterations. The hook
    sets the algorithm's ``distill_loss_scale``
    (:class:`~mmdsad.models.algorithms.CheckedTeacherDistill`), which
    multiplies every ``distill.*`` loss, whatever its weight is called
    (MGD's ``alpha_mgd``), and skips a frozen teacher's forward while it is
    0. The task loss is untouched.
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

    def factor(self, iteration: int) -> float:
        """The ramp's value at ``iteration`` (0-based), in [0, 1]."""
        if iteration < self.start_iter:
            return 0.0
        if self.warmup_iters == 0:
            return 1.0
        return min(1.0, (iteration - self.start_iter + 1) / self.warmup_iters)

    @staticmethod
    def _algorithm(runner):
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        if not hasattr(model, 'distill_loss_scale'):
            raise TypeError(
                'DistillLossWarmupHook needs a distillation algorithm with a '
                'distill_loss_scale (mmdsad\'s CheckedTeacherDistill and '
                f'its subclasses), got {type(model).__name__}; remove the '
                'hook from custom_hooks or train a distillation config')
        return model

    def before_train(self, runner) -> None:
        """Check the model and set the scale of the first iteration (a
        resumed run continues the ramp)."""
        self._algorithm(runner).distill_loss_scale = self.factor(runner.iter)

    def before_train_iter(self,
                          runner,
                          batch_idx: int,
                          data_batch=None) -> None:
        """Set the scale of this iteration."""
        self._algorithm(runner).distill_loss_scale = self.factor(runner.iter)
