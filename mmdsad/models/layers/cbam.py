"""CBAM attention and the residual CBAM block of DNANet and AMFU-Net.

Both networks use the same block (docs/networks.md, "Res_CBAM_block"): two 3x3
convolutions with bias, channel attention, then spatial attention, a residual
shortcut and ReLU. They differ only in the channel-attention ratio (DNANet
16, AMFU-Net 8) and the spatial-attention kernel (7 and 3), which are
arguments here. The spatial attention is built from a config so that DSA
(docs/paper-spec.md §1.3) can take its place.
"""
from typing import Optional

import torch
import torch.nn as nn
from mmseg.registry import MODELS
from torch import Tensor

# sigmoid(0): what a zero-width channel attention produced on torch 1.x.
ZERO_WIDTH_ATTENTION = 0.5


@MODELS.register_module()
class ChannelAttention(nn.Module):
    """CBAM channel attention: a shared two-layer MLP on avg and max pools.

    The hidden width is ``channels // ratio``. At num4 width it is 0 for
    narrow blocks (4 // 16 = 0 in DNANet, 4 // 8 = 0 in AMFU-Net). The
    reference code built ``Conv2d(4, 0, 1)`` layers, which torch 1.x ran as
    all-zero outputs, so its attention was the constant sigmoid(0) = 0.5 and
    the layers held no parameters; torch 2 refuses to run them. We reproduce
    the torch-1 behaviour exactly (constant 0.5, no parameters), which keeps
    the paper's parameter count (0.30 M / 0.12 M) and its function, rather
    than widening the layer to one channel, which would change both.

    Args:
        channels (int): Input channels C.
        ratio (int): Reduction ratio of the hidden layer.
    """

    def __init__(self, channels: int, ratio: int = 16) -> None:
        super().__init__()
        self.channels = channels
        self.hidden_channels = channels // ratio
        if self.hidden_channels > 0:
            self.mlp = nn.Sequential(
                nn.Conv2d(channels, self.hidden_channels, 1, bias=False),
                nn.ReLU(inplace=True),
                nn.Conv2d(self.hidden_channels, channels, 1, bias=False))
        else:
            self.mlp = None

    def forward(self, x: Tensor) -> Tensor:
        """Channel weights.

        Args:
            x (Tensor): Features of shape (B, C, H, W).

        Returns:
            Tensor: Weights in (0, 1) of shape (B, C, 1, 1).
        """
        if self.mlp is None:
            return x.new_full((x.shape[0], self.channels, 1, 1),
                              ZERO_WIDTH_ATTENTION)
        avg = self.mlp(x.mean(dim=(2, 3), keepdim=True))
        peak = self.mlp(x.amax(dim=(2, 3), keepdim=True))
        return torch.sigmoid(avg + peak)


@MODELS.register_module()
class SpatialAttention(nn.Module):
    """CBAM spatial attention: a k x k convolution on channel mean and max.

    Args:
        kernel_size (int): Odd kernel size (7 in DNANet, 3 in AMFU-Net).
    """

    def __init__(self, kernel_size: int = 7) -> None:
        super().__init__()
        if kernel_size % 2 != 1:
            raise ValueError(
                f'SpatialAttention kernel_size must be odd, got {kernel_size}')
        self.conv = nn.Conv2d(
            2, 1, kernel_size, padding=kernel_size // 2, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        """Spatial weights.

        Args:
            x (Tensor): Features of shape (B, C, H, W).

        Returns:
            Tensor: Weights in (0, 1) of shape (B, 1, H, W).
        """
        pooled = torch.cat(
            [x.mean(dim=1, keepdim=True),
             x.amax(dim=1, keepdim=True)], dim=1)
        return torch.sigmoid(self.conv(pooled))


class ResCBAMBlock(nn.Module):
    """Residual block with CBAM attention (DNANet's and AMFU's building block).

    ``conv3x3 -> BN -> ReLU -> conv3x3 -> BN``, then the result is scaled by
    channel attention and by spatial attention, the shortcut (identity, or a
    1x1 conv + BN when the width changes) is added, and ReLU applied.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        channel_ratio (int): Reduction ratio of the channel attention.
        spatial_attention (dict, optional): Config of the spatial attention
            module (any module mapping (B, C, H, W) to (B, 1, H, W) weights,
            registered in mmseg's ``MODELS``). Defaults to CBAM's with a 7x7
            kernel.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 channel_ratio: int = 16,
                 spatial_attention: Optional[dict] = None) -> None:
        super().__init__()
        if spatial_attention is None:
            spatial_attention = dict(type='SpatialAttention', kernel_size=7)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        self.ca = ChannelAttention(out_channels, channel_ratio)
        self.sa = MODELS.build(spatial_attention)
        if in_channels != out_channels:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1),
                nn.BatchNorm2d(out_channels))
        else:
            self.shortcut = nn.Identity()

    def forward(self, x: Tensor) -> Tensor:
        """Apply the block.

        Args:
            x (Tensor): Input of shape (B, C_in, H, W).

        Returns:
            Tensor: Output of shape (B, C_out, H, W).
        """
        residual = self.shortcut(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out = self.ca(out) * out
        out = self.sa(out) * out
        return self.relu(out + residual)


def make_res_cbam_stage(in_channels: int, out_channels: int, num_blocks: int,
                        **block_kwargs) -> nn.Sequential:
    """``num_blocks`` residual CBAM blocks; the first changes the width.

    Args:
        in_channels (int): Input channels of the first block.
        out_channels (int): Output channels of every block.
        num_blocks (int): Number of blocks, at least 1.
        **block_kwargs: Passed to every :class:`ResCBAMBlock`.

    Returns:
        nn.Sequential: The stage.
    """
    if num_blocks < 1:
        raise ValueError(f'a stage needs at least one block, got {num_blocks}')
    blocks = [ResCBAMBlock(in_channels, out_channels, **block_kwargs)]
    blocks += [
        ResCBAMBlock(out_channels, out_channels, **block_kwargs)
        for _ in range(num_blocks - 1)
    ]
    return nn.Sequential(*blocks)
