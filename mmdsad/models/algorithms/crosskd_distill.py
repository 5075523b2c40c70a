"""CrossKD: the student's head feature through the frozen teacher's head."""
from contextlib import contextmanager
from typing import Dict, Iterator, List, Optional, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement
from mmrazor.models.task_modules.recorder import ModuleInputsRecorder
from mmrazor.models.utils import add_prefix
from mmrazor.registry import MODELS
from torch import Tensor

from ...utils.distill_checks import DistillConfigError
from ...utils.names import closest_names
from .checked_teacher_distill import CheckedTeacherDistill, isolated_rng

EPS = 1e-6


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


@MODELS.register_module()
class CrossKDDistill(CheckedTeacherDistill):
    """CrossKD (Wang et al., CVPR 2024) for dense one-logit-channel networks.

    CrossKD feeds the student's intermediate head feature into the frozen
    teacher's remaining head layers and distils the resulting cross-head
    predictions towards the teacher's, so the student's feature is judged
    by the teacher's own head rather than forced to match its feature map.
    Our reading for segmentation heads:

    - the head feature is the input of ``cross_module``, a module of the
      decode head that both networks have under the same name and run once
      per forward (DNANet ``decode_head.conv0_4_final``: the fusion block
      and the classifier are the remaining layers);
    - the student feature goes through ``student_align`` (a 1x1 conv from
      the student's width to the teacher's; None when they are equal), is
      standardised per channel and given the teacher feature's channel mean
      and std (:func:`match_channel_statistics`, CrossKD's alignment);
    - the teacher's decode head runs again on its own backbone features
      with that feature in place of ``cross_module``'s input; its output
      ``cross_output_index`` (-1: the prediction) is compared with the
      teacher's by ``cross_loss`` (CrossKD's quality-focal KD), which the
      distiller holds as ``distill_losses.loss_crosskd``.

    The teacher's weights are frozen but the cross-head gradient flows
    through them into the connector and the student. Everything else
    (checks, checkpoint, frozen teacher in eval) is
    :class:`CheckedTeacherDistill`'s.

    Args:
        architecture (dict | BaseModel): The student, or its config.
        teacher (dict | BaseModel): The teacher, or its config.
        cross_module (str): Decode-head module whose input is handed over.
        cross_loss (dict): Loss config between cross-head and teacher
            logits, e.g. ``dict(type='QualityFocalKDLoss')``.
        student_align (dict, optional): Connector config from the
            student's width to the teacher's at ``cross_module``.
        cross_output_index (int): The decode head's output to distil.
        distiller (dict, optional): Distiller config; defaults to a
            ``ConfigurableDistiller`` (CrossKD needs no recorders), to
            which ``cross_loss`` is added.
        **kwargs: :class:`CheckedTeacherDistill`'s other arguments
            (``teacher_ckpt``, ``teacher_trainable``, ...).
    """

    def __init__(self,
                 architecture: Union[BaseModel, Dict],
                 teacher: Union[BaseModel, Dict],
                 cross_module: str,
                 cross_loss: Dict,
                 student_align: Optional[Dict] = None,
                 cross_output_index: int = -1,
                 distiller: Optional[Dict] = None,
                 **kwargs) -> None:
        # The cross head runs the teacher's head on the student's feature:
        # a trainable teacher would learn from it too.
        if kwargs.get('teacher_trainable', False):
            raise DistillConfigError(
                'CrossKDDistill distils from a frozen teacher; set '
                'model.teacher_trainable=False (MMRazor\'s default).')
        distiller = dict(distiller or dict(type='ConfigurableDistiller'))
        distiller['distill_losses'] = dict(
            distiller.get('distill_losses') or {}, loss_crosskd=cross_loss)
        super().__init__(
            architecture=architecture,
            teacher=teacher,
            distiller=distiller,
            **kwargs)
        self.cross_module = cross_module
        self.cross_output_index = cross_output_index
        with isolated_rng():
            self.student_align = (
                MODELS.build(student_align)
                if student_align else nn.Identity())
        self._student_input = self._input_recorder(self.student, 'student')
        self._teacher_input = self._input_recorder(self.teacher, 'teacher')

    def _input_recorder(self, network: nn.Module,
                        side: str) -> ModuleInputsRecorder:
        names = [name for name, _ in network.named_modules() if name]
        if self.cross_module not in names:
            raise DistillConfigError(
                f'CrossKDDistill: the {side} has no module '
                f'{self.cross_module!r}. Closest module names: '
                f'{closest_names(self.cross_module, names)}. Fix '
                'model.cross_module.')
        recorder = ModuleInputsRecorder(self.cross_module)
        recorder.initialize(network)
        return recorder

    def _recorded_input(self, recorder: ModuleInputsRecorder,
                        side: str) -> Tensor:
        calls = len(recorder.data_buffer)
        if calls != 1:
            raise DistillConfigError(
                f'CrossKDDistill: the {side} ran {self.cross_module!r} '
                f'{calls} times in one forward; the handed-over feature must '
                'come from a module that runs once. Fix model.cross_module.')
        feature = recorder.get_record_data(data_idx=0)
        recorder.reset_data_buffer()
        return feature

    def cross_head_logits(self, teacher_features: List[Tensor],
                          student_feature: Tensor,
                          teacher_feature: Tensor) -> Tensor:
        """The teacher's head output on the aligned student feature.

        Args:
            teacher_features (list[Tensor]): The teacher backbone's outputs.
            student_feature (Tensor): Input of the student's
                ``cross_module``, (N, C_S, H, W).
            teacher_feature (Tensor): Input of the teacher's
                ``cross_module``, (N, C_T, H, W).

        Returns:
            Tensor: Cross-head logits (N, 1, H_out, W_out).
        """
        aligned = match_channel_statistics(
            self.student_align(student_feature), teacher_feature)
        module = self.teacher.get_submodule(self.cross_module)
        with replaced_input(module, aligned):
            outputs = self.teacher.decode_head(teacher_features)
        return outputs[self.cross_output_index]

    def task_and_distill_losses(
            self,
            batch_inputs: Tensor,
            data_samples: Optional[List[BaseDataElement]] = None) -> Dict:
        """The student's task losses and the unscaled CrossKD loss.

        Args:
            batch_inputs (Tensor): Normalised images (N, 3, H, W).
            data_samples (list[SegDataSample]): Samples with ground truth.

        Returns:
            dict[str, Tensor]: ``student.*`` losses and
            ``distill.loss_crosskd``.
        """
        with torch.no_grad():
            teacher_features = self.teacher.extract_feat(batch_inputs)
            with self._teacher_input:
                teacher_logits = self.teacher.decode_head(
                    teacher_features)[self.cross_output_index]
        with self._student_input:
            student_losses = self.student(
                batch_inputs, data_samples, mode='loss')
        losses = add_prefix(student_losses, 'student')
        if not self.distillation_stopped:
            cross_logits = self.cross_head_logits(
                teacher_features,
                self._recorded_input(self._student_input, 'student'),
                self._recorded_input(self._teacher_input, 'teacher'))
            losses['distill.loss_crosskd'] = self.distiller.distill_losses[
                'loss_crosskd'](cross_logits, teacher_logits)
        return losses
