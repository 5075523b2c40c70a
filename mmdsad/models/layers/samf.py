"""SAMF: FDEP's fusion of a frozen VFM map into a CNN feature.

FDEP (arXiv 2512.05511) publishes SAMF only as a figure (fdep-samf.png;
docs/paper-spec.md §2.1). Read literally: the CNN feature ``x`` is split
channel-wise into halves A and B; one conv of the DINO feature ``d``
multiplies A, another conv of ``d`` is added to B; a conv follows on each
half; the halves are concatenated, ``x`` is added back (residual) and a
final conv gives the output::

    A, B = split(x)
    A' = conv_a(A * conv_scale(d))
    B' = conv_b(B + conv_shift(d))
    y  = conv_out(cat(A', B') + x)

Our readings where the figure is silent: ``d`` is first projected to the
CNN width by a 1x1 conv + BN + ReLU (the figure says the DINO map must
match); the scale and shift convs are plain 3x3 convs (no norm, no
activation: the figure draws a bare multiplication and addition); every
other conv is 3x3 + BN + ReLU; an odd width splits as (C // 2, C - C // 2).
"""
import torch
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor, nn


@MODELS.register_module()
class SAMF(BaseModule):
    """One SAMF module (see the module docstring for the reading).

    Args:
        channels (int): Width C of the CNN feature at the fusion point.
        vfm_channels (int): Width of the VFM map (DINOv2's embed dim).
        kernel_size (int): Kernel of the scale, shift, half and output
            convs. Defaults to 3.
        init_cfg (dict | list, optional): Initialisation. Defaults to None.
    """

    def __init__(self,
                 channels: int,
                 vfm_channels: int,
                 kernel_size: int = 3,
                 init_cfg=None) -> None:
        super().__init__(init_cfg)
        if channels < 2:
            raise ValueError(f'SAMF splits its input into two halves, so '
                             f'channels must be >= 2, got {channels}.')
        self.channels = channels
        self.split = (channels // 2, channels - channels // 2)
        padding = kernel_size // 2
        bn_relu = dict(norm_cfg=dict(type='BN'), act_cfg=dict(type='ReLU'))
        self.project = ConvModule(vfm_channels, channels, 1, **bn_relu)
        self.scale = nn.Conv2d(
            channels, self.split[0], kernel_size, padding=padding)
        self.shift = nn.Conv2d(
            channels, self.split[1], kernel_size, padding=padding)
        self.conv_a = ConvModule(
            self.split[0], self.split[0], kernel_size, padding=padding,
            **bn_relu)
        self.conv_b = ConvModule(
            self.split[1], self.split[1], kernel_size, padding=padding,
            **bn_relu)
        self.conv_out = ConvModule(
            channels, channels, kernel_size, padding=padding, **bn_relu)

    def forward(self, x: Tensor, vfm_map: Tensor) -> Tensor:
        """Fuse ``vfm_map`` into ``x``.

        Args:
            x (Tensor): CNN feature of shape (B, C, H, W).
            vfm_map (Tensor): VFM map of shape (B, vfm_channels, H, W),
                already resized to the feature's size.

        Returns:
            Tensor: Fused feature of shape (B, C, H, W).
        """
        guide = self.project(vfm_map)
        half_a, half_b = torch.split(x, self.split, dim=1)
        half_a = self.conv_a(half_a * self.scale(guide))
        half_b = self.conv_b(half_b + self.shift(guide))
        return self.conv_out(torch.cat([half_a, half_b], dim=1) + x)
