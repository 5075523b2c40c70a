"""DMFNet's dual-encoder U-Net (Zhou et al., TGRS 2024), as a backbone.

Two unshared ResNet-style encoders see two views of the image: in the
reference training the first (``layer_0`` ... ``layer_3``) gets a Gaussian-
blurred copy and the second (``layer_0_0`` ... ``layer_3_0``) the clean
image; at test time both get the same image. Their deepest features meet
in the bottleneck ``layer_4_0``, which REAM (``mul_scales``) enhances for
the head. The decoder (``layer_3_1`` ... ``layer_0_1``) concatenates both
encoders' skips at each level, and TCFM (``fuse_0`` ... ``fuse_3``) fuses
each decoder output with the two skips again. The 1x1 projections and the
classifier are the decode head
(:class:`mmdsad.models.decode_heads.DMFNetHead`).

Module names follow the reference code (docs/networks.md §2c,
``unet_resnet_18`` in ``BJZHOU2000/DMFNet:model/some_nets.py``) so MMRazor
recorders address them as ``backbone.layer_4_0``, ``backbone.mul_scales``,
``backbone.fuse_0`` and so on.
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from torch import Tensor

from ..layers import REAM, TCFM
from ..layers.ream import REAM_NUM_GROUPS

NUM_LEVELS = 5
# Encoder levels (0-3); level 4 is the shared bottleneck.
NUM_ENCODER_LEVELS = 4
NUM16_CHANNELS = (16, 32, 64, 128, 256)
# Reference training: PIL GaussianBlur(radius=random.random()) on every
# crop fed to the first encoder (PIL's radius is the standard deviation).
REFERENCE_TRAIN_BLUR = dict(type='RandomBatchGaussianBlur',
                            sigma_range=(0.0, 1.0))


def _upsample(x: Tensor, size: Tuple[int, int]) -> Tensor:
    """Bilinear resize with aligned corners, as the reference's ``up``."""
    return F.interpolate(x, size=size, mode='bilinear', align_corners=True)


class ResBasicBlock(nn.Module):
    """DMFNet's residual block (torchvision's BasicBlock with conv biases).

    ``conv3x3 -> BN -> ReLU -> conv3x3 -> BN``, plus the shortcut (identity,
    or a 1x1 conv + BN when the width changes), then ReLU. Names are the
    reference's.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.downsample = (
            nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1),
                nn.BatchNorm2d(out_channels))
            if in_channels != out_channels else None)

    def forward(self, x: Tensor) -> Tensor:
        """Apply the block.

        Args:
            x (Tensor): Input of shape (B, C_in, H, W).

        Returns:
            Tensor: Output of shape (B, C_out, H, W).
        """
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


def make_res_stage(in_channels: int, out_channels: int,
                   num_blocks: int) -> nn.Sequential:
    """``num_blocks`` residual blocks; the first changes the width.

    Args:
        in_channels (int): Input channels of the first block.
        out_channels (int): Output channels of every block.
        num_blocks (int): Number of blocks, at least 1.

    Returns:
        nn.Sequential: The stage.
    """
    if num_blocks < 1:
        raise ValueError(f'a stage needs at least one block, got {num_blocks}')
    return nn.Sequential(
        ResBasicBlock(in_channels, out_channels),
        *(ResBasicBlock(out_channels, out_channels)
          for _ in range(num_blocks - 1)))


@MODELS.register_module()
class DMFNet(BaseModule):
    """Dual encoders, bottleneck, REAM, decoder and TCFMs of DMFNet.

    **One image in.** Like every mmseg backbone it takes one image batch.
    The reference feeds two: a Gaussian-blurred crop to the first encoder
    and the clean crop to the second in training, the same image to both in
    testing. Here the first encoder's input goes through ``train_blur``, a
    module built from config (by default
    :class:`~mmdsad.models.layers.RandomBatchGaussianBlur`: a per-sample
    sigma drawn uniformly from ``sigma_range`` in training, the identity in
    eval mode). With ``train_blur=None`` both encoders always get the same
    input.

    The blur runs on the normalised tensor, where it equals blurring the
    raw crop and then normalising (see the module). It differs from the
    reference only (a) next to padding the preprocessor adds after
    normalisation (only for crops that are not a multiple of 16; the
    training crops are 256), which the blur mixes into the border pixels,
    and (b) in that PIL approximates the Gaussian with box blurs and rounds
    to uint8.

    **Batch size 1.** TCFM's top-down branches batch-normalise globally
    pooled (B, C, 1, 1) features, which ``nn.BatchNorm2d`` refuses for B = 1
    in training. They use
    :class:`~mmdsad.models.layers.tcfm.SingleSampleSafeBatchNorm2d`, which
    for a single sample normalises with the running statistics (as in eval
    mode) and does not update them, so DMFNet trains with batch size 1; for
    batches of 2 or more, in eval mode, in the parameter count and in the
    state dict nothing changes. The recipe's batch is 16.

    **+DSA.** DMFNet has no CBAM spatial attention to replace. With
    ``spatial_attention`` set, each TCFM output is re-weighted spatially,
    ``fuse_k * SA(fuse_k)``, before it is added to the decoder output for
    the head. This is where DMFNet fuses across levels and views: its
    attention there is channel-wise (top-down, from the pooled decoder
    feature) and per-pixel on each encoder alone (bottom-up), and the TCFM
    outputs are exactly what the four decoder scales contribute to the
    prediction, so a small-target spatial prior acts at every scale. It
    adds four light modules (with learnable DSA 36 parameters and 29.7
    counted MMACs at 256x256: +0.07 % at num16, +1.14 % at num4) and leaves the
    encoders, REAM and decoder, which distillation taps, unchanged.

    Args:
        in_channels (int): Image channels. Defaults to 3.
        channels (Sequence[int]): Widths c0..c4 of the five levels; num16 is
            (16, 32, 64, 128, 256) (11.11 M parameters with the head), num4
            (4, 8, 16, 32, 64) (0.70 M). c4 / 2 must be a positive multiple
            of 32 (REAM's GroupNorm) and c0 >= 4 (TCFM's reduction of 4).
        num_blocks (Sequence[int]): Residual blocks of levels 1, 2, 3 and
            of the bottleneck (level 0 stages have one). As in the
            reference, every decoder stage of levels 1-3 uses
            ``num_blocks[2]`` blocks. (2, 2, 2, 2) is the reference's.
        train_blur (dict, optional): Config of the module applied to the
            first encoder's input; ``type`` defaults to
            ``'RandomBatchGaussianBlur'``. Defaults to the reference's
            sigma range (0, 1). None: both encoders always see the same
            input.
        spatial_attention (dict, optional): Spatial attention applied to
            every TCFM output (e.g. ``dict(type='DSA')``). None (the
            reference) applies none.
        init_cfg (dict | list, optional): Initialisation; Xavier-normal conv
            weights as in the reference training script.

    Returns (forward):
        tuple[Tensor]: ``(y_0, y_1, y_2, y_3, mul)``, where ``y_k =
        ReLU(fuse_k + x_k_1)`` joins level k's TCFM output and decoder
        output, and ``mul`` is REAM's output. For an (H, W) input:
        ``y_0`` (B, c0, H, W), ``y_1`` (B, c1, H, W), ``y_2``
        (B, c2, H/2, W/2), ``y_3`` (B, c3, H/4, W/4), ``mul``
        (B, c4, H/8, W/8). Intermediate features (module outputs): encoders
        ``layer_0``/``layer_0_0`` c0 and ``layer_1``/``layer_1_0`` c1 at
        H; ``layer_2``/``layer_2_0`` c2 at H/2; ``layer_3``/``layer_3_0``
        c3 at H/4; ``layer_4_0`` and ``mul_scales`` c4 at H/8; decoder
        ``layer_3_1`` c3 at H/4, ``layer_2_1`` c2 at H/2, ``layer_1_1`` c1
        and ``layer_0_1`` c0 at H; ``fuse_k`` as ``layer_k_1``. H and W
        should be multiples of 8 (the preprocessor pads to 16).
    """

    def __init__(self,
                 in_channels: int = 3,
                 channels: Sequence[int] = NUM16_CHANNELS,
                 num_blocks: Sequence[int] = (2, 2, 2, 2),
                 train_blur: Optional[dict] = REFERENCE_TRAIN_BLUR,
                 spatial_attention: Optional[dict] = None,
                 init_cfg=dict(
                     type='Xavier', distribution='normal', layer='Conv2d')):
        super().__init__(init_cfg)
        if len(channels) != NUM_LEVELS:
            raise ValueError(f'DMFNet needs {NUM_LEVELS} channel widths, got '
                             f'channels={list(channels)}')
        if len(num_blocks) != NUM_LEVELS - 1:
            raise ValueError(f'DMFNet needs {NUM_LEVELS - 1} block counts, '
                             f'got num_blocks={list(num_blocks)}')
        c0, c1, c2, c3, c4 = channels
        if c4 % (2 * REAM_NUM_GROUPS) or c4 <= 0:
            raise ValueError(
                f'DMFNet: REAM applies GroupNorm({REAM_NUM_GROUPS}, .) to '
                f'channels[4] / 2 channels, so channels[4] / 2 must be a '
                f'positive multiple of {REAM_NUM_GROUPS} (channels[4] = 64 '
                f'for num4, 256 for num16); got channels={list(channels)}')
        self.channels = tuple(channels)
        self.num_blocks = tuple(num_blocks)
        # A child module without parameters or buffers: the state dict is
        # the same with and without it.
        self.train_blur = None if train_blur is None else MODELS.build(
            train_blur, default_args=dict(type='RandomBatchGaussianBlur'))

        # Two unshared encoders: layer_k sees the (blurred) first view,
        # layer_k_0 the clean second view.
        encoder_io = [(in_channels, c0, 1), (c0, c1, num_blocks[0]),
                      (c1, c2, num_blocks[1]), (c2, c3, num_blocks[2])]
        for level, (c_in, c_out, depth) in enumerate(encoder_io):
            self.add_module(f'layer_{level}',
                            make_res_stage(c_in, c_out, depth))
            self.add_module(f'layer_{level}_0',
                            make_res_stage(c_in, c_out, depth))
        self.layer_4_0 = make_res_stage(2 * c3, c4, num_blocks[3])
        self.mul_scales = REAM(c4)
        # Decoder: both skips plus the upsampled feature from below. The
        # reference gives levels 1-3 all layers[2] blocks.
        self.layer_3_1 = make_res_stage(c4 + 2 * c3, c3, num_blocks[2])
        self.layer_2_1 = make_res_stage(c3 + 2 * c2, c2, num_blocks[2])
        self.layer_1_1 = make_res_stage(c2 + 2 * c1, c1, num_blocks[2])
        self.layer_0_1 = make_res_stage(c1 + 2 * c0, c0, 1)
        for level, width in enumerate((c0, c1, c2, c3)):
            self.add_module(
                f'fuse_{level}',
                TCFM(width, spatial_attention=spatial_attention))

    def _encode(self, x: Tensor, suffix: str) -> Tuple[Tensor, ...]:
        """Run one encoder (``suffix`` '' or '_0'); max-pool before 2, 3."""
        features = []
        for level in range(NUM_ENCODER_LEVELS):
            if level >= 2:
                x = F.max_pool2d(x, 2)
            x = getattr(self, f'layer_{level}{suffix}')(x)
            features.append(x)
        return tuple(features)

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        """Run both encoders, the bottleneck, REAM, decoder and TCFMs.

        Args:
            x (Tensor): Images of shape (B, in_channels, H, W).

        Returns:
            tuple[Tensor]: See the class docstring.
        """
        view_1 = x if self.train_blur is None else self.train_blur(x)
        skips_1 = self._encode(view_1, '')
        skips_2 = self._encode(x, '_0')
        x_4_0 = self.layer_4_0(
            torch.cat([
                F.max_pool2d(skips_1[-1], 2),
                F.max_pool2d(skips_2[-1], 2)
            ], dim=1))
        mul = self.mul_scales(x_4_0)

        below = x_4_0
        decoded = [None] * NUM_ENCODER_LEVELS
        for level in reversed(range(NUM_ENCODER_LEVELS)):
            skip_1, skip_2 = skips_1[level], skips_2[level]
            # Level 0 shares level 1's resolution: no upsampling there.
            if below.shape[-2:] != skip_1.shape[-2:]:
                below = _upsample(below, skip_1.shape[-2:])
            below = getattr(self, f'layer_{level}_1')(
                torch.cat([skip_1, skip_2, below], dim=1))
            decoded[level] = below

        outs = []
        for level in range(NUM_ENCODER_LEVELS):
            fused = getattr(self, f'fuse_{level}')(decoded[level],
                                                   skips_1[level],
                                                   skips_2[level])
            outs.append(F.relu(fused + decoded[level]))
        return tuple(outs) + (mul, )
