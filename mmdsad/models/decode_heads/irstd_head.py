"""Base class of decode heads with one logit map and deep supervision."""
from typing import List, Sequence, Tuple

import torch
from mmengine.config import ConfigDict
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.models.utils import resize
from mmseg.utils import SampleList
from torch import Tensor

BINARY_THRESHOLD = 0.5


def output_log_key(loss_name: str, index: int) -> str:
    """The log key of one output's decode loss, e.g. 'softiou_out3'.

    The training loss is the mean over the outputs, which hides an output
    that stops learning while the others do (a distilled student whose
    prediction, the last output, dies). Each output's value is therefore
    logged as well, under a key without 'loss', which mmseg's
    ``parse_losses`` logs but leaves out of the total.

    Args:
        loss_name (str): The decode loss's name, e.g. 'loss_softiou'.
        index (int): The output's index; the last is the prediction.

    Returns:
        str: The log key.
    """
    return f"{loss_name.replace('loss', '').strip('_')}_out{index}"


class IRSTDHead(BaseDecodeHead):
    """A binary decode head whose forward returns every supervised output.

    IRSTD networks supervise several full-resolution logit maps (DNANet
    four, AMFU-Net six) and predict with the last one. ``forward`` returns
    them all as a list, last = prediction; the loss is the mean of the
    decode losses over the outputs; ``predict`` uses only the last. With one
    output channel, mmseg applies sigmoid and ``threshold`` (0.5 here) and
    resizes predictions to each image's original size.

    Subclasses build their layers and implement ``forward``. mmseg's
    ``conv_seg``/dropout are not used: every output has its own classifier.

    Args:
        in_channels (int | Sequence[int]): Channels of the inputs.
        channels (int): Width of the head's fused feature.
        threshold (float): Sigmoid threshold of predictions.
        loss_decode (dict | list[dict]): Decode losses; SoftIoU by default.
        **kwargs: Passed to ``BaseDecodeHead``.
    """

    def __init__(self,
                 in_channels,
                 channels: int,
                 threshold: float = BINARY_THRESHOLD,
                 loss_decode=dict(type='SoftIoULoss'),
                 **kwargs) -> None:
        kwargs.setdefault('init_cfg', None)
        super().__init__(
            in_channels,
            channels,
            num_classes=2,
            out_channels=1,
            threshold=threshold,
            dropout_ratio=0,
            input_transform='multiple_select'
            if isinstance(in_channels, Sequence) else None,
            in_index=list(range(len(in_channels))) if isinstance(
                in_channels, Sequence) else -1,
            loss_decode=loss_decode,
            **kwargs)
        del self.conv_seg

    def forward(self, inputs: Tuple[Tensor, ...]) -> List[Tensor]:
        """Return every supervised logit map; the last is the prediction."""
        raise NotImplementedError

    def loss_by_feat(self, seg_logits: List[Tensor],
                     batch_data_samples: SampleList) -> dict:
        """Mean decode loss over the supervised outputs.

        Args:
            seg_logits (list[Tensor]): Logits, each of shape (B, 1, h, w).
            batch_data_samples (list[SegDataSample]): Samples holding
                ``gt_sem_seg`` of shape (1, H, W).

        Returns:
            dict[str, Tensor]: One entry per decode loss name (the mean
            over the outputs, trained), and one per loss and output (see
            :func:`output_log_key`, logged only).
        """
        seg_label = self._stack_batch_gt(batch_data_samples).squeeze(1)
        losses_decode = self.loss_decode if isinstance(
            self.loss_decode, torch.nn.ModuleList) else [self.loss_decode]
        losses: dict = {}
        for index, logits in enumerate(seg_logits):
            logits = resize(
                logits,
                size=seg_label.shape[-2:],
                mode='bilinear',
                align_corners=self.align_corners)
            for loss_decode in losses_decode:
                name = loss_decode.loss_name
                value = loss_decode(
                    logits, seg_label, ignore_index=self.ignore_index)
                losses[name] = losses.get(name, 0) + value / len(seg_logits)
                if len(seg_logits) > 1:
                    losses[output_log_key(name, index)] = value.detach()
        return losses

    def predict(self, inputs: Tuple[Tensor, ...], batch_img_metas: List[dict],
                test_cfg: ConfigDict) -> Tensor:
        """Logits of the last output, resized to the padded input size.

        Returns:
            Tensor: Logits of shape (B, 1, H_pad, W_pad).
        """
        return self.predict_by_feat(self.forward(inputs)[-1], batch_img_metas)
