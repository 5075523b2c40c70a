"""DNANet's feature pyramid fusion and deep-supervision outputs."""
from typing import List, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor

from ..backbones.dnanet import (
    DNANET_CHANNEL_RATIO,
    DNANET_SA_KERNEL,
    NUM16_CHANNELS,
)
from ..layers import ResCBAMBlock
from .irstd_head import IRSTDHead

NUM_TOP_ROW = 4


@MODELS.register_module()
class DNANetHead(IRSTDHead):
    """Multi-scale fusion and the four deep-supervision outputs of DNANet.

    Takes the backbone's ``(x0_1, x0_2, x0_3, x0_4, x1_3, x2_2, x3_1,
    x4_0)``. The last nodes of levels 1-4 are projected to level 0's width
    by 1x1 convolutions, upsampled to full size, concatenated with ``x0_4``
    and fused by one residual CBAM block (``conv0_4_final``). Outputs are
    1x1 convolutions on ``x0_1``, ``x0_2``, ``x0_3`` and the fused map; the
    last is the prediction.

    Args:
        channels_per_level (Sequence[int]): The backbone's five widths.
        deep_supervision (bool): Return all four outputs (True, the
            reference setting) or only the fused one.
        spatial_attention (dict, optional): Spatial attention of the fusion
            block (CBAM's 7x7 by default).
        init_cfg (dict | list, optional): Initialisation.
        **kwargs: Passed to :class:`IRSTDHead`.
    """

    def __init__(self,
                 channels_per_level: Sequence[int] = NUM16_CHANNELS,
                 deep_supervision: bool = True,
                 spatial_attention=None,
                 init_cfg=dict(
                     type='Xavier', distribution='normal', layer='Conv2d'),
                 **kwargs) -> None:
        width = channels_per_level[0]
        in_channels = [width] * NUM_TOP_ROW + list(channels_per_level[1:])
        super().__init__(
            in_channels=in_channels,
            channels=width,
            init_cfg=init_cfg,
            **kwargs)
        self.deep_supervision = deep_supervision
        self.projections = nn.ModuleList(
            nn.Conv2d(c, width, 1) for c in channels_per_level[1:])
        self.conv0_4_final = ResCBAMBlock(
            len(channels_per_level) * width,
            width,
            channel_ratio=DNANET_CHANNEL_RATIO,
            spatial_attention=spatial_attention
            or dict(type='SpatialAttention', kernel_size=DNANET_SA_KERNEL))
        num_outputs = NUM_TOP_ROW if deep_supervision else 1
        self.classifiers = nn.ModuleList(
            nn.Conv2d(width, 1, 1) for _ in range(num_outputs))

    def forward(self, inputs: Tuple[Tensor, ...]) -> List[Tensor]:
        """Fuse and classify.

        Args:
            inputs (tuple[Tensor]): Backbone features (see class docstring).

        Returns:
            list[Tensor]: Logits of shape (B, 1, H, W): four with deep
            supervision, else one; the last is the prediction.
        """
        inputs = self._transform_inputs(inputs)
        top_row, deep_nodes = inputs[:NUM_TOP_ROW], inputs[NUM_TOP_ROW:]
        size = top_row[-1].shape[-2:]
        pyramid = [
            F.interpolate(
                project(node),
                size=size,
                mode='bilinear',
                align_corners=True)
            for project, node in zip(self.projections, deep_nodes)
        ]
        fused = self.conv0_4_final(
            torch.cat(pyramid[::-1] + [top_row[-1]], dim=1))
        features = list(top_row[:-1]) + [fused]
        if not self.deep_supervision:
            features = features[-1:]
        return [
            classify(f) for classify, f in zip(self.classifiers, features)
        ]
