"""Base class of decode heads with one logit map and deep supervision."""
from typing import List, Sequence, Tuple

import torch
from mmengine.config import ConfigDict
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.models.utils import resize
from mmseg.utils import SampleList
from torch import Tensor

BINARY_THRESHOLD = 0.5


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
            dict[str, Tensor]: One entry per decode loss name.
        """
        seg_label = self._stack_batch_gt(batch_data_samples).squeeze(1)
        losses_decode = self.loss_decode if isinstance(
            self.loss_decode, torch.nn.ModuleList) else [self.loss_decode]
        losses: dict = {}
        for logits in seg_logits:
            logits = resize(
                logits,
                size=seg_label.shape[-2:],
                mode='bilinear',
                align_corners=self.align_corners)
            for loss_decode in losses_decode:
                value = loss_decode(
                    logits, seg_label, ignore_index=self.ignore_index)
                losses[loss_decode.loss_name] = losses.get(
                    loss_decode.loss_name, 0) + value / len(seg_logits)
        return losses

    def predict(self, inputs: Tuple[Tensor, ...], batch_img_metas: List[dict],
                test_cfg: ConfigDict) -> Tensor:
        """Logits of the last output, resized to the padded input size.

        Returns:
            Tensor: Logits of shape (B, 1, H_pad, W_pad).
        """
        return self.predict_by_feat(self.forward(inputs)[-1], batch_img_metas)
