"""TCFM, DMFNet's fusion of a decoder feature with both encoders' skips.

The reference code calls it ``AsymBiChaFuse`` (an asymmetric bi-directional
channel fusion in the style of ACM, docs/networks.md §2c). For the decoder
feature ``xh`` and the two encoders' features ``xl_1`` (blurred view) and
``xl_2`` (clean view) of the same level::

    td_i = sigmoid(BN(conv(ReLU(BN(conv(GAP(xh)))))))     # (B, C, 1, 1)
    bu_i = sigmoid(BN(conv(ReLU(BN(conv(xl_i))))))       # (B, C, H, W)
    xs_i = 2 * xl_i * td_i + 2 * xh * bu_i
    out  = BNReLU(post_1(xs_1) + post_1(xs_2))

The top-down weights come from the decoder's global context, the bottom-up
weights from each encoder's pixels.
"""
from typing import Optional

import torch.nn as nn
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor

TCFM_REDUCTION = 4
# The reference's BatchNorm momentum. In PyTorch's convention it is the
# weight of the *new* batch statistics, so the running statistics follow
# the last batches closely (probably a port of MXNet's convention, where 0.9
# means the opposite). Kept, because it shapes the eval-mode output.
TCFM_BN_MOMENTUM = 0.9


class SingleSampleSafeBatchNorm2d(nn.BatchNorm2d):
    """BatchNorm2d that normalises a lone value with its running statistics.

    TCFM's top-down branches apply BatchNorm to globally pooled (B, C, 1, 1)
    maps. With batch size 1 in training each channel holds one value, whose
    batch variance is undefined, and ``nn.BatchNorm2d`` raises "Expected
    more than 1 value per channel". In exactly that case this layer does
    what it does in eval mode: it normalises with the running statistics and
    leaves them (and ``num_batches_tracked``) untouched; the gradient still
    reaches the input, weight and bias. Otherwise it is ``nn.BatchNorm2d``:
    batches of two or more, eval mode, the parameter count and the state
    dict keys are unchanged. (Converting the model to SyncBatchNorm drops
    this fallback.)
    """

    def forward(self, x: Tensor) -> Tensor:
        """Normalise ``x``.

        Args:
            x (Tensor): Input of shape (B, C, H, W).

        Returns:
            Tensor: Output of the same shape.
        """
        one_value_per_channel = x.numel() == x.shape[1]
        if (self.training and one_value_per_channel
                and self.track_running_stats):
            return F.batch_norm(
                x,
                self.running_mean,
                self.running_var,
                self.weight,
                self.bias,
                training=False,
                momentum=0.0,
                eps=self.eps)
        return super().forward(x)


def _attention_branch(channels: int, hidden: int,
                      global_context: bool) -> nn.Sequential:
    """``[GAP ->] conv1x1 -> BN -> ReLU -> conv1x1 -> BN -> sigmoid``."""
    norm = SingleSampleSafeBatchNorm2d if global_context else nn.BatchNorm2d
    layers = [nn.AdaptiveAvgPool2d(1)] if global_context else []
    layers += [
        nn.Conv2d(channels, hidden, 1),
        norm(hidden, momentum=TCFM_BN_MOMENTUM),
        nn.ReLU(inplace=True),
        nn.Conv2d(hidden, channels, 1),
        norm(channels, momentum=TCFM_BN_MOMENTUM),
        nn.Sigmoid(),
    ]
    return nn.Sequential(*layers)


def _conv_bn_relu(channels: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(channels, channels, 3, padding=1),
        nn.BatchNorm2d(channels, momentum=TCFM_BN_MOMENTUM),
        nn.ReLU(inplace=True))


@MODELS.register_module()
class TCFM(nn.Module):
    """DMFNet's three-way cross-layer fusion (reference ``AsymBiChaFuse``).

    See the module docstring for the computation. Sub-module names are the
    reference's. ``post_1`` is applied to both mixed features (its weights
    are shared between the two encoders). ``post_2`` is built but never
    called, exactly as in the reference: its parameters are part of the
    published parameter counts (11.11 M / 0.70 M), so it is kept to
    reproduce them; it receives no gradient.

    Optionally, a spatial attention re-weights the fused output,
    ``out * SA(out)``: "+DSA" places DSA here (see
    :class:`mmdsad.models.backbones.DMFNet` for why).

    Args:
        channels (int): Width C of all three inputs and of the output.
        reduction (int): The attention branches' hidden width is
            C // reduction; at least 1.
        spatial_attention (dict, optional): Config of a module mapping
            (B, C, H, W) to (B, 1, H, W) weights, registered in mmseg's
            ``MODELS``. None (the reference) applies none.
    """

    def __init__(self,
                 channels: int,
                 reduction: int = TCFM_REDUCTION,
                 spatial_attention: Optional[dict] = None) -> None:
        super().__init__()
        hidden = channels // reduction
        if hidden < 1:
            raise ValueError(f'TCFM needs channels // reduction >= 1, got '
                             f'channels={channels}, reduction={reduction}')
        self.channels = channels
        self.topdown_1 = _attention_branch(channels, hidden, True)
        self.topdown_2 = _attention_branch(channels, hidden, True)
        self.bottomup_1 = _attention_branch(channels, hidden, False)
        self.bottomup_2 = _attention_branch(channels, hidden, False)
        self.post_1 = _conv_bn_relu(channels)
        # Counted in the paper's parameters, never used: see the docstring.
        self.post_2 = _conv_bn_relu(channels)
        self.post = nn.Sequential(
            nn.BatchNorm2d(channels, momentum=TCFM_BN_MOMENTUM),
            nn.ReLU(inplace=True))
        self.sa = (
            MODELS.build(spatial_attention)
            if spatial_attention is not None else None)

    def forward(self, xh: Tensor, xl_1: Tensor, xl_2: Tensor) -> Tensor:
        """Fuse a decoder feature with the two encoders' features.

        Args:
            xh (Tensor): Decoder feature of shape (B, C, H, W).
            xl_1 (Tensor): First (blurred-view) encoder's feature, same
                shape.
            xl_2 (Tensor): Second (clean-view) encoder's feature, same
                shape.

        Returns:
            Tensor: Fused feature of shape (B, C, H, W).
        """
        mixed_1 = (2 * xl_1 * self.topdown_1(xh) +
                   2 * xh * self.bottomup_1(xl_1))
        mixed_2 = (2 * xl_2 * self.topdown_2(xh) +
                   2 * xh * self.bottomup_2(xl_2))
        out = self.post(self.post_1(mixed_1) + self.post_1(mixed_2))
        if self.sa is not None:
            out = out * self.sa(out)
        return out
