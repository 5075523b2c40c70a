"""REAM, DMFNet's multi-dilation enhancement of the bottleneck feature.

DMFNet (Zhou et al., TGRS 2024) calls it the receptive-field enhancement
module; the reference code names it ``Fusion1`` and its instance
``mul_scales`` (docs/networks.md §2c). The bottleneck feature ``e`` is reduced
to half its width, run through three dilated residual stacks (dilations 1,
2 and 4) whose outputs are fused back to full width, and the result gates
``e``. A squeeze-and-excitation step and two residual additions of ``e``
follow, each followed by BN + ReLU::

    m   = MultiDilation(reduce(e))              # (B, C, H, W)
    out = BNReLU(e + m * e)
    out = BNReLU(out + SE(out))                 # SE(x) = x * w(x)
    out = BNReLU(out + e)

Sub-module names are descriptive; the reference's are given where each is
built, for reading the two side by side.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor

# GroupNorm groups of the dilated stacks, hard-coded in the reference. The
# stacks work at C/2 and C channels, so C/2 must be a multiple of 32.
REAM_NUM_GROUPS = 32
REAM_DILATIONS = (1, 2, 4)
# Residual units per dilated stack (the reference's conv1, conv2, conv3).
NUM_RESIDUAL_UNITS = 3
SE_REDUCTION = 16
REAM_DROPOUT = 0.5


def check_ream_channels(channels: int) -> None:
    """Refuse widths whose GroupNorms cannot be built.

    Args:
        channels (int): Width C of the REAM input.

    Raises:
        ValueError: If C/2 is not a positive multiple of 32.
    """
    half, remainder = divmod(channels, 2)
    if remainder or half < REAM_NUM_GROUPS or half % REAM_NUM_GROUPS:
        raise ValueError(
            f'REAM normalises C/2 = {channels / 2:g} and C = {channels} '
            f'channels with GroupNorm({REAM_NUM_GROUPS}, .), so C/2 must be '
            f'a positive multiple of {REAM_NUM_GROUPS} (C = 64, 128, 256, '
            f'...); got C = {channels}')


def _dilated_unit(in_channels: int, out_channels: int,
                  dilation: int) -> nn.Sequential:
    """One residual unit of a dilated stack, C_in -> C_out -> C_in.

    ``BN -> conv3x3 -> GN -> ReLU -> BN -> conv3x3 -> GN -> ReLU``; the
    convolutions have no bias (each is followed by a GroupNorm) and the
    padding equals the dilation, so the size is kept.
    """
    def conv(c_in: int, c_out: int) -> nn.Conv2d:
        return nn.Conv2d(
            c_in, c_out, 3, padding=dilation, dilation=dilation, bias=False)

    return nn.Sequential(
        nn.BatchNorm2d(in_channels), conv(in_channels, out_channels),
        nn.GroupNorm(REAM_NUM_GROUPS, out_channels), nn.ReLU(inplace=True),
        nn.BatchNorm2d(out_channels), conv(out_channels, in_channels),
        nn.GroupNorm(REAM_NUM_GROUPS, in_channels), nn.ReLU(inplace=True))


class DilationModule(nn.Module):
    """Three residual units of one dilation, in series (reference name).

    Args:
        in_channels (int): Width of the input and output.
        hidden_channels (int): Width inside each unit.
        dilation (int): Dilation (and padding) of every 3x3 convolution.
    """

    def __init__(self, in_channels: int, hidden_channels: int,
                 dilation: int) -> None:
        super().__init__()
        # Reference: conv1, conv2, conv3.
        self.units = nn.ModuleList(
            _dilated_unit(in_channels, hidden_channels, dilation)
            for _ in range(NUM_RESIDUAL_UNITS))

    def forward(self, x: Tensor) -> Tensor:
        """Apply the units, each as ``x + unit(x)``.

        Args:
            x (Tensor): Input of shape (B, C_in, H, W).

        Returns:
            Tensor: Output of shape (B, C_in, H, W).
        """
        for unit in self.units:
            x = x + unit(x)
        return x


class MultiDilation(nn.Module):
    """Parallel dilated stacks, concatenated and fused by a 1x1 conv.

    Reference name ``Multiple``. The output goes through BN, ReLU and
    dropout (active in training only).

    Args:
        in_channels (int): Input width C/2.
        out_channels (int): Output width C (also the stacks' inner width).
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        # Reference: dilation1, dilation2, dilation3.
        self.branches = nn.ModuleList(
            DilationModule(in_channels, out_channels, d)
            for d in REAM_DILATIONS)
        # Reference: conv, bn, relu, dropout.
        self.fuse = nn.Conv2d(
            len(REAM_DILATIONS) * in_channels, out_channels, 1, bias=False)
        self.bn = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        self.dropout = nn.Dropout(REAM_DROPOUT)

    def forward(self, x: Tensor) -> Tensor:
        """Fuse the three dilations.

        Args:
            x (Tensor): Input of shape (B, C/2, H, W).

        Returns:
            Tensor: Output of shape (B, C, H, W).
        """
        out = torch.cat([branch(x) for branch in self.branches], dim=1)
        return self.dropout(self.relu(self.bn(self.fuse(out))))


class SqueezeExcitation(nn.Module):
    """Squeeze-and-excitation (Hu et al.) with linear layers, no biases.

    Args:
        channels (int): Width C.
        reduction (int): Hidden width is C // reduction.
    """

    def __init__(self, channels: int, reduction: int = SE_REDUCTION) -> None:
        super().__init__()
        hidden = channels // reduction
        # Reference: avg_pool, fc.
        self.fc = nn.Sequential(
            nn.Linear(channels, hidden, bias=False), nn.ReLU(inplace=True),
            nn.Linear(hidden, channels, bias=False), nn.Sigmoid())

    def forward(self, x: Tensor) -> Tensor:
        """Re-weight the channels.

        Args:
            x (Tensor): Input of shape (B, C, H, W).

        Returns:
            Tensor: ``x`` scaled by per-channel weights, (B, C, H, W).
        """
        weights = self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))
        return x * weights[:, :, None, None]


def _bn_relu(channels: int) -> nn.Sequential:
    return nn.Sequential(nn.BatchNorm2d(channels), nn.ReLU(inplace=True))


@MODELS.register_module()
class REAM(nn.Module):
    """DMFNet's receptive-field enhancement module (reference ``Fusion1``).

    See the module docstring for the computation. The width is kept; the
    spatial size is kept (every convolution is padded to its dilation).

    Args:
        channels (int): Width C of the input and output. C/2 must be a
            positive multiple of 32 (GroupNorm(32, C/2) inside).
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        check_ream_channels(channels)
        half = channels // 2
        # Reference: conv1 (1x1 conv + BN + ReLU).
        self.reduce = nn.Sequential(
            nn.Conv2d(channels, half, 1, bias=False), nn.BatchNorm2d(half),
            nn.ReLU(inplace=True))
        # Reference: multiple.
        self.multi_dilation = MultiDilation(half, channels)
        # Reference: conv3, se, conv4, conv5 (the "convs" are BN + ReLU).
        self.gate_norm = _bn_relu(channels)
        self.se = SqueezeExcitation(channels)
        self.se_norm = _bn_relu(channels)
        self.out_norm = _bn_relu(channels)

    def forward(self, e: Tensor) -> Tensor:
        """Enhance the bottleneck feature.

        Args:
            e (Tensor): Input of shape (B, C, H, W).

        Returns:
            Tensor: Output of shape (B, C, H, W).
        """
        gate = self.multi_dilation(self.reduce(e))
        out = self.gate_norm(e + gate * e)
        out = self.se_norm(out + self.se(out))
        return self.out_norm(out + e)
