"""MMRazor's single-teacher distillation, refusing a run that cannot work."""
from typing import ContextManager, Dict, List, Optional, Union

import torch
from mmengine.logging import print_log
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement
from mmrazor.models.algorithms import SingleTeacherDistill
from mmrazor.models.utils import add_prefix
from mmrazor.registry import MODELS
from torch import Tensor

from ...utils.distill_checks import check_recorders, load_teacher_state
from .connector_widths import with_connector_widths


def build_network(network: Union[BaseModel, Dict]) -> BaseModel:
    """Build ``network`` from its config, or pass a built one through."""
    return MODELS.build(network) if isinstance(network, dict) else network


def isolated_rng() -> ContextManager:
    """A context whose random draws leave the CPU generator as it was.

    A distillation algorithm builds the student first and everything else
    (the teacher, connectors, a cross head) inside this context, so the
    generator continues as if only the student had been built: at one seed
    the runner then initialises the student and orders the data exactly as
    it does for the student trained alone, and the two runs differ only by
    the distillation. Without it the student's initial weights depend on
    how many numbers the teacher and the connectors drew, and every
    connector-less method (KD, NST, RKD, ...) shared one initialisation
    per seed that the student alone never had (docs/results.md).
    """
    return torch.random.fork_rng(devices=[])


@MODELS.register_module()
class CheckedTeacherDistill(SingleTeacherDistill):
    """``SingleTeacherDistill`` that checks its input while it is built.

    Before MMRazor wires recorders and loads the teacher, it checks that
    every module recorder of the distiller names a module of its network
    (the error lists the closest names) and that ``teacher_ckpt`` is set,
    exists, is weights-only and holds exactly the teacher's keys and shapes
    (:mod:`mmdsad.utils.distill_checks`). The student and the teacher are
    built once, and the checkpoint is read once and loaded strictly. Being
    the model of the config, the checks run for ``Runner.from_cfg``,
    ``mim train`` and ``tools/train.py`` alike, before the first iteration.
    A connector config may leave out its channel widths: they are read
    from the built networks (:mod:`.connector_widths`), so a config names
    modules, not widths.

    At one seed the student starts from the initial weights, and sees the
    data in the order, of the student trained alone (:func:`isolated_rng`):
    a comparison paired by seed compares the distillation and nothing else.

    Every ``distill.*`` loss is multiplied by ``distill_loss_weight`` (a
    constant of the config, 1 by default: one factor on all of a method's
    loss weights, which ``compare_distill.py --tune`` chooses) and by
    ``distill_loss_scale`` (1 by default; ``DistillLossWarmupHook`` ramps
    it, as MMRazor's ``StopDistillHook`` flips ``distillation_stopped``).
    While their product is 0, a frozen teacher does not run at all: the
    student's task losses are computed alone and each distillation loss is
    logged as 0. The student
    and its gradients are the same as with the losses computed and
    multiplied by 0; what differs is that connectors do not run (their BN
    running statistics, never used in training, are not updated) and a
    loss that draws random numbers (MGD's masks) does not draw them.

    Args:
        architecture (dict | BaseModel): The student, or its config.
        teacher (dict | BaseModel): The teacher, or its config.
        distiller (dict): Config of the distiller (e.g.
            ``ConfigurableDistiller``).
        teacher_ckpt (str, optional): Weights-only checkpoint of the
            teacher; required (None is refused with how to make one).
        distill_loss_weight (float): Factor on every distillation loss,
            >= 0. Defaults to 1 (the method's configured weights).
        **kwargs: The other arguments of ``SingleTeacherDistill``
            (``teacher_trainable``, ``teacher_norm_eval``,
            ``data_preprocessor``, ...).
    """

    def __init__(self,
                 architecture: Union[BaseModel, Dict],
                 teacher: Union[BaseModel, Dict],
                 distiller: Dict,
                 teacher_ckpt: Optional[str] = None,
                 distill_loss_weight: float = 1.0,
                 **kwargs) -> None:
        if isinstance(distill_loss_weight, bool) or not isinstance(
                distill_loss_weight,
            (int, float)) or not 0 <= distill_loss_weight < float('inf'):
            raise ValueError(
                f'{type(self).__name__}: distill_loss_weight must be a '
                f'finite number >= 0, got {distill_loss_weight!r}')
        student = build_network(architecture)
        with isolated_rng():
            teacher = build_network(teacher)
            # MMRazor's recorder setup (in super().__init__) would fail on a
            # misspelt module with a bare assertion, so check first.
            check_recorders(student, distiller.get('student_recorders'),
                            'student')
            check_recorders(teacher, distiller.get('teacher_recorders'),
                            'teacher')
            distiller = with_connector_widths(distiller, student, teacher)
            teacher.load_state_dict(load_teacher_state(teacher, teacher_ckpt))
            print_log(f'teacher weights loaded from {teacher_ckpt}',
                      logger='current')
            super().__init__(
                architecture=student,
                teacher=teacher,
                distiller=distiller,
                teacher_ckpt=None,
                **kwargs)
        # The runner calls init_weights() after building the model; the
        # loaded teacher must not be re-initialised by it.
        self.teacher._is_init = True
        self.teacher_ckpt = teacher_ckpt
        self.distill_loss_weight = float(distill_loss_weight)
        self.distill_loss_scale = 1.0

    def init_weights(self) -> None:
        """Initialise the student as the runner initialises the student
        alone, then the other modules without touching the generator (see
        :func:`isolated_rng`); the loaded teacher is left as it is."""
        self.architecture.init_weights()
        with isolated_rng():
            super().init_weights()

    @property
    def teacher_can_rest(self) -> bool:
        """Whether a scale of 0 lets this step skip the teacher: it is
        frozen, the student's task losses are computed, and no delivery
        feeds the teacher's data into the student's forward."""
        return (not self.teacher_trainable and self.calculate_student_loss
                and not self.distiller.deliveries.deliveries)

    def loss(self,
             batch_inputs: Tensor,
             data_samples: Optional[List[BaseDataElement]] = None
             ) -> Dict[str, Tensor]:
        """The student's task losses and the scaled distillation losses.

        Args:
            batch_inputs (Tensor): Normalised images (N, 3, H, W).
            data_samples (list[SegDataSample]): Samples with ground truth.

        Returns:
            dict[str, Tensor]: ``student.*`` losses and ``distill.*``
            losses times ``distill_loss_weight * distill_loss_scale``.
        """
        factor = self.distill_loss_weight * self.distill_loss_scale
        if factor == 0 and self.teacher_can_rest:
            losses = add_prefix(
                self.student(batch_inputs, data_samples, mode='loss'),
                'student')
            losses.update({
                f'distill.{name}': batch_inputs.new_zeros(())
                for name in self.distiller.distill_losses
            })
            return losses
        losses = self.task_and_distill_losses(batch_inputs, data_samples)
        if factor != 1:
            for name in losses:
                if name.startswith('distill.'):
                    losses[name] = losses[name] * factor
        return losses

    def task_and_distill_losses(
            self,
            batch_inputs: Tensor,
            data_samples: Optional[List[BaseDataElement]] = None
    ) -> Dict[str, Tensor]:
        """The unscaled losses of one step: MMRazor's ``loss``."""
        return super().loss(batch_inputs, data_samples)

    def train(self, mode: bool = True) -> 'CheckedTeacherDistill':
        """Set the training mode; a frozen teacher always stays in eval.

        MMRazor puts only a frozen teacher's BN layers in eval mode, which
        leaves DMFNet's REAM dropout and training-time input blur active:
        the features the student is taught would change from call to call.

        Args:
            mode (bool): Training mode of the student. Defaults to True.

        Returns:
            CheckedTeacherDistill: This algorithm.
        """
        super().train(mode)
        if not self.teacher_trainable:
            self.teacher.eval()
        return self
