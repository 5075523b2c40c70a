"""AMFU-Net's residual CBAM encoder (Chung et al., 2023), as a backbone.

AMFU-Net is a UNet 3+ with attention: five encoder stages of one residual
CBAM block each (channel attention ratio 8, spatial attention kernel 3),
2x max pooling between them. The full-scale decoder and deep supervision
are the decode head (:class:`mmdsad.models.decode_heads.AMFUNetHead`).

Module names follow the reference code (``backbone.conv1`` ...
``backbone.conv5``), so MMRazor recorders address them by those names.
"""
from typing import Optional, Sequence, Tuple

import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor

from ..layers import make_res_cbam_stage

NUM_STAGES = 5
AMFU_CHANNEL_RATIO = 8
AMFU_SA_KERNEL = 3
# The reference builds every encoder stage from a single block.
BLOCKS_PER_STAGE = 1
NUM16_CHANNELS = (16, 32, 64, 128, 256)


def amfu_block_kwargs(spatial_attention: Optional[dict] = None) -> dict:
    """Keyword arguments of AMFU-Net's residual CBAM blocks.

    Args:
        spatial_attention (dict, optional): Spatial attention config; CBAM's
            with a 3x3 kernel (AMFU-Net's) when None.

    Returns:
        dict: ``channel_ratio`` and ``spatial_attention`` for
        :class:`mmdsad.models.layers.ResCBAMBlock`.
    """
    return dict(
        channel_ratio=AMFU_CHANNEL_RATIO,
        spatial_attention=spatial_attention
        or dict(type='SpatialAttention', kernel_size=AMFU_SA_KERNEL))


@MODELS.register_module()
class AMFUNet(BaseModule):
    """Residual CBAM encoder of AMFU-Net.

    Args:
        in_channels (int): Image channels. Defaults to 3.
        channels (Sequence[int]): Widths of the five stages ``[f, 2f, 4f,
            8f, 16f]``; ``num16`` is (16, 32, 64, 128, 256) (the teacher),
            ``num4`` (4, 8, 16, 32, 64) (the student). The reference
            hard-codes f = 8.
        spatial_attention (dict, optional): Spatial attention of every block
            (CBAM's 3x3 by default; ``dict(type='DSA')`` for "+DSA").
        init_cfg (dict | list, optional): Initialisation; Xavier-normal conv
            weights as in the reference training script.

    Returns (forward):
        tuple[Tensor]: ``(h1, h2, h3, h4, hd5)``, ``h_i`` of shape
        (B, channels[i - 1], H / 2^(i-1), W / 2^(i-1)). H and W must be
        multiples of 16.
    """

    def __init__(self,
                 in_channels: int = 3,
                 channels: Sequence[int] = NUM16_CHANNELS,
                 spatial_attention: Optional[dict] = None,
                 init_cfg=dict(
                     type='Xavier', distribution='normal', layer='Conv2d')):
        super().__init__(init_cfg)
        if len(channels) != NUM_STAGES:
            raise ValueError(f'AMFUNet needs {NUM_STAGES} channel widths, '
                             f'got channels={list(channels)}')
        self.channels = tuple(channels)
        block_kwargs = amfu_block_kwargs(spatial_attention)
        stage_in = (in_channels, ) + self.channels[:-1]
        for i, (c_in, c_out) in enumerate(zip(stage_in, self.channels)):
            self.add_module(
                f'conv{i + 1}',
                make_res_cbam_stage(c_in, c_out, BLOCKS_PER_STAGE,
                                    **block_kwargs))

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        """Encode.

        Args:
            x (Tensor): Images of shape (B, in_channels, H, W).

        Returns:
            tuple[Tensor]: See the class docstring.
        """
        outs = [self.conv1(x)]
        for i in range(2, NUM_STAGES + 1):
            outs.append(getattr(self, f'conv{i}')(F.max_pool2d(outs[-1], 2)))
        return tuple(outs)
