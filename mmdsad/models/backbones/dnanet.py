"""DNANet's dense nested encoder-decoder (Li et al., TIP 2022), as a backbone.

The network is a UNet++-style grid of residual CBAM nodes ``conv{i}_{j}``:
level ``i`` works at 1/2^i of the input size, column ``j`` is the nesting
depth. Column 0 is the encoder; every node with ``j >= 1`` sees all earlier
nodes of its level, the upsampled node below-left and the downsampled node
above, so semantics from deep levels reach shallow ones many times. The
multi-scale fusion and the deep-supervision outputs are the decode head
(:class:`mmdsad.models.decode_heads.DNANetHead`).

Module names follow the reference code (``backbone.conv0_0`` ...
``backbone.conv4_0``, ``backbone.conv0_4``), so MMRazor recorders address
them by those names.
"""
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor

from ..layers import make_res_cbam_stage

NUM_LEVELS = 5
# DNANet's channel attention hard-codes a reduction of 16.
DNANET_CHANNEL_RATIO = 16
DNANET_SA_KERNEL = 7
NUM16_CHANNELS = (16, 32, 64, 128, 256)


def _resample(x: Tensor, scale: float) -> Tensor:
    """Bilinear rescaling with aligned corners, as DNANet's up/down."""
    return F.interpolate(
        x, scale_factor=scale, mode='bilinear', align_corners=True)


@MODELS.register_module()
class DNANet(BaseModule):
    """Dense nested backbone of DNANet.

    Args:
        in_channels (int): Image channels. Defaults to 3.
        channels (Sequence[int]): Widths of the five levels; ``num16`` is
            (16, 32, 64, 128, 256) (the teacher), ``num4`` (4, 8, 16, 32, 64)
            (the student).
        num_blocks (Sequence[int]): Residual blocks of the nodes of levels
            1-4 (level 0 nodes have one). (2, 2, 2, 2) is the reference
            default ("resnet_18") and gives the paper's 4.70 M / 0.30 M.
        spatial_attention (dict, optional): Spatial attention of every block
            (CBAM's 7x7 by default; ``dict(type='DSA')`` for "+DSA").
        init_cfg (dict | list, optional): Initialisation; Xavier-normal conv
            weights as in the reference training script.

    Returns (forward):
        tuple[Tensor]: ``(x0_1, x0_2, x0_3, x0_4, x1_3, x2_2, x3_1, x4_0)``
        with ``x{i}_{j}`` of shape (B, channels[i], H / 2^i, W / 2^i): the
        top row the decode head supervises, then the last node of every
        deeper level, which it fuses. H and W must be multiples of 16.
    """

    def __init__(self,
                 in_channels: int = 3,
                 channels: Sequence[int] = NUM16_CHANNELS,
                 num_blocks: Sequence[int] = (2, 2, 2, 2),
                 spatial_attention: Optional[dict] = None,
                 init_cfg=dict(
                     type='Xavier', distribution='normal', layer='Conv2d')):
        super().__init__(init_cfg)
        if len(channels) != NUM_LEVELS:
            raise ValueError(f'DNANet needs {NUM_LEVELS} channel widths, got '
                             f'channels={list(channels)}')
        if len(num_blocks) != NUM_LEVELS - 1:
            raise ValueError(f'DNANet needs {NUM_LEVELS - 1} block counts, '
                             f'got num_blocks={list(num_blocks)}')
        self.channels = tuple(channels)
        self.num_blocks = tuple(num_blocks)
        block_kwargs = dict(
            channel_ratio=DNANET_CHANNEL_RATIO,
            spatial_attention=spatial_attention
            or dict(type='SpatialAttention', kernel_size=DNANET_SA_KERNEL))

        def depth(level: int) -> int:
            return 1 if level == 0 else self.num_blocks[level - 1]

        for i in range(NUM_LEVELS):
            encoder_in = in_channels if i == 0 else channels[i - 1]
            self.add_module(
                f'conv{i}_0',
                make_res_cbam_stage(encoder_in, channels[i], depth(i),
                                    **block_kwargs))
            for j in range(1, NUM_LEVELS - i):
                node_in = j * channels[i] + channels[i + 1]
                if i > 0:
                    node_in += channels[i - 1]
                self.add_module(
                    f'conv{i}_{j}',
                    make_res_cbam_stage(node_in, channels[i], depth(i),
                                        **block_kwargs))

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        """Run the nested grid column by column (anti-diagonal order).

        Args:
            x (Tensor): Images of shape (B, in_channels, H, W).

        Returns:
            tuple[Tensor]: See the class docstring.
        """
        grid: List[List[Tensor]] = [[] for _ in range(NUM_LEVELS)]
        for k in range(NUM_LEVELS):
            encoder_in = x if k == 0 else F.max_pool2d(grid[k - 1][0], 2)
            grid[k].append(getattr(self, f'conv{k}_0')(encoder_in))
            # Nodes with i + j == k need only nodes of diagonals k - 1 and k.
            for j in range(1, k + 1):
                i = k - j
                inputs = grid[i][:j] + [_resample(grid[i + 1][j - 1], 2.0)]
                if i > 0:
                    inputs.append(_resample(grid[i - 1][j], 0.5))
                grid[i].append(
                    getattr(self, f'conv{i}_{j}')(torch.cat(inputs, dim=1)))
        top_row = tuple(grid[0][1:])
        deepest_nodes = tuple(grid[i][NUM_LEVELS - 1 - i]
                              for i in range(1, NUM_LEVELS))
        return top_row + deepest_nodes
