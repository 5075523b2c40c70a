"""MMRazor's single-teacher distillation, refusing a run that cannot work."""
from typing import Dict, Optional, Union

from mmengine.logging import print_log
from mmengine.model import BaseModel
from mmrazor.models.algorithms import SingleTeacherDistill
from mmrazor.registry import MODELS

from ...utils.distill_checks import check_recorders, load_teacher_state


def build_network(network: Union[BaseModel, Dict]) -> BaseModel:
    """Build ``network`` from its config, or pass a built one through."""
    return MODELS.build(network) if isinstance(network, dict) else network


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

    Args:
        architecture (dict | BaseModel): The student, or its config.
        teacher (dict | BaseModel): The teacher, or its config.
        distiller (dict): Config of the distiller (e.g.
            ``ConfigurableDistiller``).
        teacher_ckpt (str, optional): Weights-only checkpoint of the
            teacher; required (None is refused with how to make one).
        **kwargs: The other arguments of ``SingleTeacherDistill``
            (``teacher_trainable``, ``teacher_norm_eval``,
            ``data_preprocessor``, ...).
    """

    def __init__(self,
                 architecture: Union[BaseModel, Dict],
                 teacher: Union[BaseModel, Dict],
                 distiller: Dict,
                 teacher_ckpt: Optional[str] = None,
                 **kwargs) -> None:
        student = build_network(architecture)
        teacher = build_network(teacher)
        # MMRazor's recorder setup (in super().__init__) would fail on a
        # misspelt module with a bare assertion, so check first.
        check_recorders(student, distiller.get('student_recorders'),
                        'student')
        check_recorders(teacher, distiller.get('teacher_recorders'),
                        'teacher')
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
