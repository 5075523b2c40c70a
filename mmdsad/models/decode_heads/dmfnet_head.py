"""DMFNet's multi-scale projection and single output."""
from typing import List, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from mmseg.registry import MODELS
from ..backbones.dmfnet import NUM16_CHANNELS
from .irstd_head import IRSTDHead


@MODELS.register_module()
class DMFNetHead(IRSTDHead):
    """1x1 projections of all five scales and DMFNet's one output.

    Takes the backbone's ``(y_0, y_1, y_2, y_3, mul)`` (widths c0..c4, at
    1, 1, 1/2, 1/4 and 1/8 of the input size). Each is bilinearly
    upsampled (aligned corners) to full size where needed and projected to
    c0 by a 1x1 convolution (``layer_f_0`` ... ``layer_f_4``, the
    reference's names; upsampling first, as the reference, which is what
    its FLOP count measures). The five maps are concatenated (5 c0) and
    ``final_layer`` (1x1) gives the logit. DMFNet has no deep supervision:
    ``forward`` returns a one-element list.

    Args:
        channels_per_level (Sequence[int]): The backbone's five widths.
        init_cfg (dict | list, optional): Initialisation; Xavier-normal conv
            weights as in the reference training script.
        **kwargs: Passed to :class:`IRSTDHead`.
    """

    def __init__(self,
                 channels_per_level: Sequence[int] = NUM16_CHANNELS,
                 init_cfg=dict(
                     type='Xavier', distribution='normal', layer='Conv2d'),
                 **kwargs) -> None:
        width = channels_per_level[0]
        super().__init__(
            in_channels=list(channels_per_level),
            channels=width,
            init_cfg=init_cfg,
            **kwargs)
        for level, c_in in enumerate(channels_per_level):
            self.add_module(f'layer_f_{level}', nn.Conv2d(c_in, width, 1))
        self.final_layer = nn.Conv2d(len(channels_per_level) * width, 1, 1)

    def forward(self, inputs: Tuple[Tensor, ...]) -> List[Tensor]:
        """Project, concatenate and classify.

        Args:
            inputs (tuple[Tensor]): Backbone features (see class docstring).

        Returns:
            list[Tensor]: One logit map of shape (B, 1, H, W).
        """
        inputs = self._transform_inputs(inputs)
        size = inputs[0].shape[-2:]
        projected = []
        for level, feature in enumerate(inputs):
            if feature.shape[-2:] != size:
                feature = F.interpolate(
                    feature, size=size, mode='bilinear', align_corners=True)
            projected.append(getattr(self, f'layer_f_{level}')(feature))
        return [self.final_layer(torch.cat(projected, dim=1))]
