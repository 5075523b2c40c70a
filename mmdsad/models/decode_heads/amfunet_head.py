"""AMFU-Net's full-scale attention decoder and six deep-supervision outputs."""
from typing import Dict, List, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor

from ..backbones.amfunet import NUM16_CHANNELS, NUM_STAGES, amfu_block_kwargs
from ..layers import ResCBAMBlock
from .irstd_head import IRSTDHead


def _conv_bn_relu(in_channels: int, out_channels: int) -> nn.Sequential:
    """3x3 convolution (with bias, as the reference) + BN + ReLU."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 3, padding=1),
        nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True))


def _upsample(x: Tensor, size: Sequence[int]) -> Tensor:
    """Bilinear upsampling without aligned corners, as ``nn.Upsample``."""
    return F.interpolate(x, size=size, mode='bilinear', align_corners=False)


@MODELS.register_module()
class AMFUNetHead(IRSTDHead):
    """UNet 3+ full-scale decoder with a shared attention block (AMFU-Net).

    Takes the backbone's ``(h1, h2, h3, h4, hd5)`` (widths ``[f, 2f, 4f,
    8f, 16f]``). Decoder stages 4, 3, 2, 1 each rebuild the map of their
    level from all five scales: shallower encoder maps are max-pooled
    (kernel = stride = the scale ratio, ``ceil_mode``), the encoder map of
    the same level is taken as is, deeper decoder maps (5f channels; hd5
    16f) are upsampled; every branch is a 3x3 conv to f channels + BN +
    ReLU. The five branches are concatenated (5f) and pass through ONE
    residual CBAM block, ``cat_attn``, shared by all four stages, then a
    3x3 conv + BN + ReLU (``fuse{s}d``, the reference's ``conv{s}d_1``,
    ``bn{s}d_1``, ``relu{s}d_1``) gives ``hd{s}``.

    Outputs: ``outconv1..4`` (3x3 conv to one channel) on hd1..hd4 and
    ``outconv5`` on hd5, upsampled to full size, returned as ``[d5, d4, d3,
    d2, d1, fused]`` with ``fused = (d1 + ... + d5) / 5`` the prediction.
    Training averages the loss over all six.

    Args:
        channels_per_level (Sequence[int]): The backbone's five widths.
        spatial_attention (dict, optional): Spatial attention of
            ``cat_attn`` (CBAM's 3x3 by default; ``dict(type='DSA')`` for
            "+DSA").
        init_cfg (dict | list, optional): Initialisation; Xavier-normal conv
            weights as in the reference training script.
        **kwargs: Passed to :class:`IRSTDHead`.
    """

    def __init__(self,
                 channels_per_level: Sequence[int] = NUM16_CHANNELS,
                 spatial_attention=None,
                 init_cfg=dict(
                     type='Xavier', distribution='normal', layer='Conv2d'),
                 **kwargs) -> None:
        if len(channels_per_level) != NUM_STAGES:
            raise ValueError(
                f'AMFUNetHead needs {NUM_STAGES} channel widths, got '
                f'channels_per_level={list(channels_per_level)}')
        cat_channels = channels_per_level[0]
        up_channels = NUM_STAGES * cat_channels
        super().__init__(
            in_channels=list(channels_per_level),
            channels=up_channels,
            init_cfg=init_cfg,
            **kwargs)
        deepest = channels_per_level[-1]
        for stage in range(NUM_STAGES - 1, 0, -1):
            # Sources of stage s: h1..h_s, then hd_{s+1}..hd4, then hd5.
            sources = (
                list(channels_per_level[:stage]) + [up_channels] *
                (NUM_STAGES - 1 - stage) + [deepest])
            self.add_module(
                f'branches{stage}d',
                nn.ModuleList(
                    _conv_bn_relu(c, cat_channels) for c in sources))
            self.add_module(f'fuse{stage}d',
                            _conv_bn_relu(up_channels, up_channels))
        self.cat_attn = ResCBAMBlock(up_channels, up_channels,
                                     **amfu_block_kwargs(spatial_attention))
        for stage in range(1, NUM_STAGES + 1):
            width = deepest if stage == NUM_STAGES else up_channels
            self.add_module(f'outconv{stage}',
                            nn.Conv2d(width, 1, 3, padding=1))

    def decode(self, inputs: Tuple[Tensor, ...]) -> Dict[int, Tensor]:
        """Run the four full-scale decoder stages.

        Args:
            inputs (tuple[Tensor]): ``(h1, h2, h3, h4, hd5)``.

        Returns:
            dict[int, Tensor]: ``hd{s}`` by stage s = 1..5 (hd5 is the
            deepest encoder map), of shape (B, 5f, H / 2^(s-1),
            W / 2^(s-1)) (16f channels for hd5).
        """
        encoder = list(self._transform_inputs(inputs))
        decoded = {NUM_STAGES: encoder[-1]}
        for stage in range(NUM_STAGES - 1, 0, -1):
            size = encoder[stage - 1].shape[-2:]
            branches = getattr(self, f'branches{stage}d')
            features = []
            for level, branch in enumerate(branches, start=1):
                if level < stage:
                    ratio = 2**(stage - level)
                    source = F.max_pool2d(
                        encoder[level - 1], ratio, ratio, ceil_mode=True)
                elif level == stage:
                    source = encoder[level - 1]
                else:
                    source = _upsample(decoded[level], size)
                features.append(branch(source))
            fuse = getattr(self, f'fuse{stage}d')
            decoded[stage] = fuse(self.cat_attn(torch.cat(features, dim=1)))
        return decoded

    def forward(self, inputs: Tuple[Tensor, ...]) -> List[Tensor]:
        """Decode and classify at every scale.

        Args:
            inputs (tuple[Tensor]): Backbone features ``(h1, ..., hd5)``.

        Returns:
            list[Tensor]: ``[d5, d4, d3, d2, d1, fused]``, logits of shape
            (B, 1, H, W); the last is the prediction.
        """
        decoded = self.decode(inputs)
        size = decoded[1].shape[-2:]
        outputs = []
        for stage in range(NUM_STAGES, 0, -1):
            logits = getattr(self, f'outconv{stage}')(decoded[stage])
            if stage > 1:
                logits = _upsample(logits, size)
            outputs.append(logits)
        fused = sum(outputs) / len(outputs)
        return outputs + [fused]
