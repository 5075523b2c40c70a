"""DMFNet's multi-scale projection and single output."""
from typing import List, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor

from ..backbones.dmfnet import NUM16_CHANNELS
from .irstd_head import IRSTDHead

# The reference projects every scale to inplanes[0], the image's 3 channels.
REFERENCE_PROJECTION_CHANNELS = 3


@MODELS.register_module()
class DMFNetHead(IRSTDHead):
    """1x1 projections of all five scales and DMFNet's one output.

    Takes the backbone's ``(y_0, y_1, y_2, y_3, mul)`` (widths c0..c4, at
    1, 1, 1/2, 1/4 and 1/8 of the input size). Each is bilinearly
    upsampled (aligned corners) to full size where needed and projected by
    a 1x1 convolution (``layer_f_0`` ... ``layer_f_4``, the reference's
    names) to ``projection_channels`` P; upsampling comes first, as in the
    reference, whose FLOP count measures the projections at full size. The
    five maps are concatenated (5 P) and ``final_layer`` (1x1) gives the
    logit. DMFNet has no deep supervision: ``forward`` returns a
    one-element list.

    P is 3 in the reference: its projections are ``Conv2d(inplanes[k],
    inplanes[0], 1)`` and ``inplanes[0]`` is the image width 3 (not c0 =
    ``inplanes[1]``), and the classifier is ``Conv2d(5 * inplanes[0], 1,
    1)``. With P = 3 the network has the published 11.11 M / 0.70 M
    parameters (11 114 063 / 701 723); with P = c0 it would have 6 578 /
    134 more and 0.43 / 0.01 GMACs more.

    Args:
        channels_per_level (Sequence[int]): The backbone's five widths.
        projection_channels (int): Width P of every projection. Defaults
            to the reference's 3.
        init_cfg (dict | list, optional): Initialisation; Xavier-normal conv
            weights as in the reference training script.
        **kwargs: Passed to :class:`IRSTDHead`.
    """

    def __init__(self,
                 channels_per_level: Sequence[int] = NUM16_CHANNELS,
                 projection_channels: int = REFERENCE_PROJECTION_CHANNELS,
                 init_cfg=dict(
                     type='Xavier', distribution='normal', layer='Conv2d'),
                 **kwargs) -> None:
        width = projection_channels
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
