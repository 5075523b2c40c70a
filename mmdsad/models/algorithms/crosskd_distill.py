"""CrossKD: the student's head feature through the frozen teacher's head."""
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List, Optional, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement
from mmrazor.models.task_modules.recorder import RecorderManager
from mmrazor.models.utils import add_prefix
from mmrazor.registry import MODELS
from torch import Tensor

from ...utils.distill_checks import DistillConfigError
from .checked_teacher_distill import CheckedTeacherDistill, isolated_rng
from .connector_widths import recorded_widths, width_arguments, with_widths

EPS = 1e-6
# The recorders CrossKD's config declares (configs/distill/
# crosskd_dnanet_num16_num4_nudt.py): the input of the cross module on
# both sides, and the teacher's decode-head forward, whose record 0 is the
# teacher's own run and record 1 the cross-head run.
CROSS_INPUT = 'cross_input'
HEAD = 'logits'


def match_channel_statistics(feature: Tensor, reference: Tensor) -> Tensor:
    """Give each channel of ``feature`` the mean and std of ``reference``'s.

    CrossKD's alignment before the teacher's head: every channel is
    standardised over batch and positions, then rescaled to the teacher's
    statistics of that channel (which carry no gradient).

    Args:
        feature (Tensor): Student feature (N, C, H, W).
        reference (Tensor): Teacher feature (N, C, H', W').

    Returns:
        Tensor: (N, C, H, W), channel c with mean and std of reference's c.
    """
    dims = (0, 2, 3)
    reference = reference.detach()
    standardised = (feature - feature.mean(dims, keepdim=True)) / (
        feature.std(dims, keepdim=True) + EPS)
    return (standardised * reference.std(dims, keepdim=True) +
            reference.mean(dims, keepdim=True))


@contextmanager
def replaced_input(module: nn.Module, feature: Tensor) -> Iterator[None]:
    """Run ``module`` on ``feature`` instead of its input, while open."""
    handle = module.register_forward_pre_hook(lambda _, args: (feature, ))
    try:
        yield
    finally:
        handle.remove()


def check_cross_recorders(distiller: Dict) -> None:
    """The distiller config must declare the recorders CrossKD reads.

    Args:
        distiller (dict): ``model.distiller``.

    Raises:
        DistillConfigError: A recorder is missing or of another type, or
            the two ``cross_input`` recorders name different modules.
    """
    expected = (('student', CROSS_INPUT, 'ModuleInputs'),
                ('teacher', CROSS_INPUT, 'ModuleInputs'),
                ('teacher', HEAD, 'MethodOutputs'))
    for side, name, kind in expected:
        recorder = (distiller.get(f'{side}_recorders') or {}).get(name)
        if not recorder or recorder.get('type') != kind:
            raise DistillConfigError(
                f'CrossKDDistill reads the {side} recorder {name!r}, a '
                f'{kind!r} recorder, but model.distiller.{side}_recorders.'
                f'{name} is {recorder!r}. Declare it as the CrossKD configs '
                'do (configs/distill/crosskd_dnanet_num16_num4_nudt.py).')
    student, teacher = (distiller[f'{side}_recorders'][CROSS_INPUT]['source']
                        for side in ('student', 'teacher'))
    if student != teacher:
        raise DistillConfigError(
            f'CrossKDDistill hands the input of the student\'s {student!r} '
            f'to the teacher\'s {teacher!r}; the two must be the same '
            'module. Fix model.distiller.student_recorders.cross_input.'
            'source or model.distiller.teacher_recorders.cross_input.source.')


def single_record(recorders: RecorderManager, name: str, side: str) -> Any:
    """The one record of recorder ``name`` since its context opened.

    Args:
        recorders (RecorderManager): The student's or teacher's recorders.
        name (str): The recorder.
        side (str): 'student' or 'teacher', for the message.

    Returns:
        Any: The record (a ``ModuleInputs`` record: the tuple of inputs).

    Raises:
        DistillConfigError: The source ran more (or less) than once.
    """
    recorder = recorders.get_recorder(name)
    calls = len(recorder.data_buffer)
    if calls != 1:
        raise DistillConfigError(
            f'CrossKDDistill: the {side} ran {recorder.source!r} {calls} '
            'times in one forward; CrossKD hands over the input of a module '
            f'that runs once. Fix model.distiller.{side}_recorders.{name}.'
            'source' + (' (and the other side\'s: the same module).'
                         if name == CROSS_INPUT else '.'))
    return recorder.get_record_data(0)


@MODELS.register_module()
class CrossKDDistill(CheckedTeacherDistill):
    """CrossKD (Wang et al., CVPR 2024) for dense one-logit-channel networks.

    CrossKD feeds the student's intermediate head feature into the frozen
    teacher's remaining head layers and distils the resulting cross-head
    predictions towards the teacher's, so the student's feature is judged
    by the teacher's own head rather than forced to match its feature map.
    Our reading for segmentation heads:

    - the head feature is the input of the cross module, a module of the
      decode head that both networks have under the same name and run once
      per forward (DNANet ``decode_head.conv0_4_final``: the fusion block
      and the classifier are the remaining layers). The config declares it
      as the ``ModuleInputs`` recorder ``cross_input`` of the student and
      of the teacher;
    - the student feature goes through ``student_align`` (a 1x1 conv from
      the student's width to the teacher's, both read from the built
      networks where the config leaves them out; none when they are
      equal), is
      standardised per channel and given the teacher feature's channel mean
      and std (:func:`match_channel_statistics`, CrossKD's alignment);
    - the teacher's decode head runs again on its own backbone features
      with that feature in place of the cross module's input. The teacher's
      ``MethodOutputs`` recorder ``logits`` (the decode head's forward) holds
      the teacher's own outputs as record 0 and this cross-head run's as
      record 1, and the distiller's ``loss_forward_mappings`` hand them to
      ``distill_losses`` (CrossKD's quality-focal KD), computed by
      ``compute_distill_losses`` like every other method's.

    What MMRazor cannot express stays here: the aligned feature, made from
    two recorded inputs and a module, put into the teacher's second head
    run (a delivery can only replay a recorded output, and a connector
    only transforms a loss input). The teacher's own run is under no_grad;
    the cross-head run is not, so its gradient flows through the frozen
    teacher's head into the connector and the student. The student runs
    before the teacher, each inside its own recorder context: the head's
    ``MethodOutputs`` recorder patches the head class, which the student's
    head may share, so the student's head must not run while the teacher's
    recorders are open, and both teacher runs must fall in one opening (an
    opening clears the records). Everything else (checks, checkpoint,
    frozen teacher in eval, the loss scale) is
    :class:`CheckedTeacherDistill`'s.

    Args:
        architecture (dict | BaseModel): The student, or its config.
        teacher (dict | BaseModel): The teacher, or its config.
        distiller (dict): ``ConfigurableDistiller`` config with the
            recorders above, the loss and its forward mappings.
        student_align (dict, optional): Connector config from the
            student's width to the teacher's at the cross module; widths it
            leaves out are read from the networks, and with equal widths
            and none given no connector is built.
        **kwargs: :class:`CheckedTeacherDistill`'s other arguments
            (``teacher_ckpt``, ``teacher_trainable``, ...).
    """

    def __init__(self,
                 architecture: Union[BaseModel, Dict],
                 teacher: Union[BaseModel, Dict],
                 distiller: Dict,
                 student_align: Optional[Dict] = None,
                 **kwargs) -> None:
        # The cross head runs the teacher's head on the student's feature:
        # a trainable teacher would learn from it too.
        if kwargs.get('teacher_trainable', False):
            raise DistillConfigError(
                'CrossKDDistill distils from a frozen teacher; set '
                'model.teacher_trainable=False (MMRazor\'s default).')
        check_cross_recorders(distiller)
        super().__init__(
            architecture=architecture,
            teacher=teacher,
            distiller=distiller,
            **kwargs)
        self._check_head_recorder()
        with isolated_rng():
            self.student_align = self._build_student_align(
                student_align, distiller)

    def _build_student_align(self, student_align: Optional[Dict],
                             distiller: Dict) -> nn.Module:
        if not student_align:
            return nn.Identity()
        widths = [
            recorded_widths(network, distiller[f'{side}_recorders'],
                            [CROSS_INPUT])[CROSS_INPUT]
            for side, network in (('student', self.student),
                                  ('teacher', self.teacher))
        ]
        pair = width_arguments(student_align)
        if widths[0] == widths[1] and pair and not any(
                arg in student_align for arg in pair):
            return nn.Identity()
        return MODELS.build(with_widths(student_align, *widths))

    def _check_head_recorder(self) -> None:
        # A recorder on another class's forward would stay empty, or record
        # a head the teacher does not run.
        recorder = self.distiller.teacher_recorders.get_recorder(HEAD)
        head = type(self.teacher.decode_head)
        if recorder.origin_method is not head.forward:
            raise DistillConfigError(
                f'CrossKDDistill: the teacher recorder {HEAD!r} records '
                f'{recorder.source!r}, not the teacher decode head\'s '
                'forward. Fix model.distiller.teacher_recorders.'
                f'{HEAD}.source: '
                f'{head.__module__}.{head.__qualname__}.forward.')

    @property
    def cross_module(self) -> str:
        """str: The decode-head module whose input is handed over."""
        return self.distiller.student_recorders.get_recorder(
            CROSS_INPUT).source

    def cross_head(self, teacher_features: List[Tensor],
                   student_feature: Tensor,
                   teacher_feature: Tensor) -> List[Tensor]:
        """Run the teacher's head on the aligned student feature.

        Inside the teacher's recorder context this is record 1 of ``head``.

        Args:
            teacher_features (list[Tensor]): The teacher backbone's outputs.
            student_feature (Tensor): Input of the student's cross module,
                (N, C_S, H, W).
            teacher_feature (Tensor): Input of the teacher's cross module,
                (N, C_T, H, W).

        Returns:
            list[Tensor]: The decode head's outputs, each (N, 1, H', W'),
            differentiable in ``student_feature``.
        """
        aligned = match_channel_statistics(
            self.student_align(student_feature), teacher_feature)
        module = self.teacher.get_submodule(self.cross_module)
        with replaced_input(module, aligned):
            return self.teacher.decode_head(teacher_features)

    def task_and_distill_losses(
            self,
            batch_inputs: Tensor,
            data_samples: Optional[List[BaseDataElement]] = None) -> Dict:
        """The student's task losses and the unscaled CrossKD losses.

        Args:
            batch_inputs (Tensor): Normalised images (N, 3, H, W).
            data_samples (list[SegDataSample]): Samples with ground truth.

        Returns:
            dict[str, Tensor]: ``student.*`` losses and the distiller's
            ``distill.*`` losses.
        """
        student_recorders = self.distiller.student_recorders
        teacher_recorders = self.distiller.teacher_recorders
        # The teacher's records of the last step (its cross-module input and
        # the aligned feature, each (N, C_T, H, W)) would otherwise live on
        # through this step's student forward, until its context opens.
        for recorder in teacher_recorders.recorders.values():
            recorder.reset_data_buffer()
        with student_recorders:
            student_losses = self.student(
                batch_inputs, data_samples, mode='loss')
        losses = add_prefix(student_losses, 'student')
        if self.distillation_stopped:
            return losses
        student_feature = single_record(student_recorders, CROSS_INPUT,
                                        'student')[0]
        with teacher_recorders:
            with torch.no_grad():
                teacher_features = self.teacher.extract_feat(batch_inputs)
                self.teacher.decode_head(teacher_features)
            teacher_feature = single_record(teacher_recorders, CROSS_INPUT,
                                            'teacher')[0]
            single_record(teacher_recorders, HEAD, 'teacher')
            self.cross_head(teacher_features, student_feature,
                            teacher_feature)
        losses.update(
            add_prefix(self.distiller.compute_distill_losses(), 'distill'))
        return losses
