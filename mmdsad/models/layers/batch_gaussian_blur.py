"""A random per-sample Gaussian blur of a batch, active in training only.

DMFNet's first encoder sees a blurred crop in the reference training
(docs/networks.md §2c: PIL ``GaussianBlur(radius=random.random())`` on every
crop, PIL's radius being the standard deviation) and the same image as the
second encoder at test time. mmseg backbones take one image batch, so the
blur runs inside the network, on the normalised batch, as this module.
"""
from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor

from mmdsad.utils.gaussian import check_sigma_range, gaussian_kernel_size

# Below this sigma the kernel is a unit impulse to float precision, so
# clamping sigma there turns sigma = 0 into "no blur" without dividing by 0.
MIN_BLUR_SIGMA = 1e-3


def gaussian_blur_per_sample(x: Tensor, sigmas: Tensor) -> Tensor:
    """Blur every image of a batch with its own Gaussian.

    A separable, depthwise Gaussian truncated at ±3 sigma of the largest
    sigma (the same truncation as the ``RandomGaussianBlur`` transform),
    normalised to unit sum, with replicated borders (as PIL's blur). A
    sigma of 0 leaves its image unchanged.

    Args:
        x (Tensor): Images of shape (B, C, H, W), floating point.
        sigmas (Tensor): Standard deviations in pixels, shape (B,), >= 0.

    Returns:
        Tensor: Blurred images of shape (B, C, H, W).
    """
    batch, channels, height, width = x.shape
    max_sigma = float(sigmas.max())
    if max_sigma <= 0.0:
        return x
    radius = gaussian_kernel_size(max_sigma) // 2
    offsets = torch.arange(
        -radius, radius + 1, dtype=x.dtype, device=x.device)
    sigmas = sigmas.to(x).clamp_min(MIN_BLUR_SIGMA)[:, None]
    kernels = torch.exp(-0.5 * (offsets / sigmas)**2)
    kernels = kernels / kernels.sum(dim=1, keepdim=True)
    # One depthwise filter per (image, channel): fold the batch into the
    # channels so a single grouped convolution applies per-sample kernels.
    kernels = kernels.repeat_interleave(channels, dim=0)
    planes = batch * channels
    out = x.reshape(1, planes, height, width)
    out = F.pad(out, (radius, radius, 0, 0), mode='replicate')
    out = F.conv2d(out, kernels.view(planes, 1, 1, -1), groups=planes)
    out = F.pad(out, (0, 0, radius, radius), mode='replicate')
    out = F.conv2d(out, kernels.view(planes, 1, -1, 1), groups=planes)
    return out.view(batch, channels, height, width)


@MODELS.register_module()
class RandomBatchGaussianBlur(nn.Module):
    """Blur each image of a batch with σ ~ U(low, high), in training only.

    In training mode every sample gets its own σ, drawn uniformly from
    ``sigma_range`` with torch's global RNG on the CPU (so the draw is the
    same on every device and deterministic given ``torch.manual_seed``);
    the blur takes no gradient. In eval mode the input passes unchanged,
    so a network holding this module predicts from the clean image.

    On a normalised batch the blur equals blurring the raw image and then
    normalising: a unit-sum kernel with replicated borders commutes with a
    per-channel affine map. It has no parameters and no buffers, so it
    adds nothing to a state dict.

    Args:
        sigma_range (Sequence[float]): ``(low, high)`` bounds of σ in
            pixels, ``0 <= low <= high``. Defaults to (0.0, 1.0), the
            reference's.
    """

    def __init__(self, sigma_range: Sequence[float] = (0.0, 1.0)) -> None:
        super().__init__()
        self.sigma_range = check_sigma_range(sigma_range,
                                             type(self).__name__)

    def forward(self, x: Tensor) -> Tensor:
        """Blur ``x`` per sample in training; return it as is in eval.

        Args:
            x (Tensor): Images of shape (B, C, H, W), floating point.

        Returns:
            Tensor: Images of shape (B, C, H, W).
        """
        if not self.training:
            return x
        low, high = self.sigma_range
        sigmas = low + (high - low) * torch.rand(x.shape[0])
        with torch.no_grad():
            return gaussian_blur_per_sample(x, sigmas.to(x.device))

    def extra_repr(self) -> str:
        return f'sigma_range={self.sigma_range}'
