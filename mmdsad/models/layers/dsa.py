"""DSA: multi-directional contrast spatial attention (DSAD, Sec. 3.3).

The paper's Eqs. 2-7, with the readings of docs/paper-spec.md §1.3 (see the
class docstring). The module has the interface of CBAM's spatial attention,
(B, C, H, W) features to (B, 1, H, W) weights, so it can replace it inside
the networks ("+DSA", Table 5) and weight the distillation loss (Eq. 12).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor

BASE_SIZE = 3
KERNEL_SIZE = 7
CENTRE = KERNEL_SIZE // 2
# Pixels per ray: "three consecutive pixels" from the kernel centre.
RAY_LENGTH = CENTRE
# (row, column) step of d1..d8 = 0, 45, ..., 315 degrees, counter-clockwise
# with the y axis pointing up (image rows grow downwards). d_{i+4} is
# opposite to d_i.
DIRECTION_STEPS = ((0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1),
                   (1, 0), (1, 1))
NUM_PAIRS = len(DIRECTION_STEPS) // 2
# Spread of the 'gaussian' base kernel, in base-kernel pixels (peak 1).
GAUSSIAN_SIGMA = 1.0
BASE_KERNELS = ('ones', 'gaussian')


def _direction_masks() -> Tensor:
    """The eight signed 7x7 masks of Eq. 3, centre left at zero.

    Returns:
        Tensor: Shape (8, 7, 7): +1 on the three ray pixels of d1..d4,
        -1 on those of d5..d8.
    """
    steps = torch.tensor(DIRECTION_STEPS)  # (8, 2)
    distances = torch.arange(1, RAY_LENGTH + 1)  # (3,)
    rows = CENTRE + steps[:, :1] * distances  # (8, 3)
    cols = CENTRE + steps[:, 1:] * distances
    signs = torch.ones(len(DIRECTION_STEPS))
    signs[NUM_PAIRS:] = -1
    masks = torch.zeros(len(DIRECTION_STEPS), KERNEL_SIZE, KERNEL_SIZE)
    index = torch.arange(len(DIRECTION_STEPS))[:, None].expand_as(rows)
    masks[index, rows, cols] = signs[:, None].expand_as(rows)
    return masks


def _base_kernel(kind: str) -> Tensor:
    """The 3x3 base kernel W_base of Eq. 3.

    Args:
        kind (str): 'ones' or 'gaussian' (isotropic, peak 1 at the centre).

    Returns:
        Tensor: Shape (3, 3).
    """
    if kind == 'ones':
        return torch.ones(BASE_SIZE, BASE_SIZE)
    offsets = torch.arange(BASE_SIZE, dtype=torch.float32) - BASE_SIZE // 2
    squared = offsets[:, None]**2 + offsets[None, :]**2
    return torch.exp(-squared / (2 * GAUSSIAN_SIGMA**2))


@MODELS.register_module()
class DSA(nn.Module):
    """Multi-directional contrast spatial attention (DSAD Eqs. 2-7).

    Eq. 2: ``F_cat = [mean_c F, max_c F]``. The directional kernels are
    shared by both aggregated channels, so convolving F_cat with a
    two-channel kernel whose channels are equal is exactly convolving
    ``mean_c F + max_c F`` with the single kernel: we compute that
    one-channel map first.

    Eq. 3: the 3x3 base kernel W_base is expanded to 7x7 by bilinear
    interpolation (aligned corners), a 7x7 receptive field for 9 weights.
    Our reading of the masks ("three consecutive pixels along positive
    directions are assigned 1, those in inverse directions -1"): the
    positive-direction mask m_di (d1..d4 = 0, 45, 90, 135 degrees) is +1 on
    the three ray pixels at distance 1, 2, 3 along d_i, the opposite mask
    m_d(i+4) is -1 on its three ray pixels, and each kernel
    ``k_d = m_d * W_base^7x7`` gets a centre weight of minus the sum of its
    ray weights. Every directional kernel is then zero-sum: it responds to
    contrast, not to level, whatever the base kernel.

    Eqs. 4-5: ``F_di - F_d(i+4) = F * (k_di - k_d(i+4))`` by linearity, so
    the pair kernels ``P_i = k_di - k_d(i+4)`` give the four contrasts
    ``C_i = (F * P_i)^2``: along each axis, the squared (weighted) second
    difference, rays on both sides against twice the centre. A small blob
    is brighter than its surroundings along every axis, so all four are
    large; along an edge or a thin line one axis has no contrast. The
    square makes the sign irrelevant: a blob darker than its surroundings
    counts as well.

    Eqs. 6-7: the minimum over the four contrasts ("bucket effect") keeps
    only what contrasts in every direction; ``M = sigmoid(min_i C_i)``.
    Since ``C_i >= 0`` the weights are at least 0.5: background keeps half
    weight.

    Why not the fully literal layout, each mask +1 on its own ray and -1
    on the opposite ray with nothing at the centre: then
    ``k_d(i+4) = -k_di`` and ``C_i = (2 F * k_di)^2`` is the squared first
    difference across the centre, which vanishes at the centre of any
    symmetric blob, so it fails the property the paper relies on. (Masks
    with one signed ray each and no centre fare no better: their pair
    difference is the sum of both rays, a blur that responds to level.)

    Cost: the four pair kernels are the four output channels of one 7x7
    convolution of the one-channel map, zero-padded as in CBAM. Its graph
    does not depend on the input size (it exports to ONNX with dynamic
    height and width). Only 7 of each kernel's 49 taps are non-zero, but
    the dense convolution is what runs, so it is what is counted:
    mmengine's FlopAnalyzer counts 4 x 49 = 196 MACs per pixel, plus 4 per
    value (196) to expand the base kernel once per call, against 98 for
    CBAM's 7x7 spatial attention and 18 for AMFU-Net's 3x3. We chose it by
    measured latency: one convolution call is faster on CPU than the
    earlier 28-MAC formulation (axes as 1x7 / 7x1 convolutions, diagonals
    as a conv1d over the row-flattened map with a width-dependent
    dilation, which tied the graph to one input width), on 4x256x256 to
    128x32x32 maps; summing seven shifted copies per pair was faster only
    on the largest map tried (16x256x256). The aggregation, square,
    minimum and sigmoid are elementwise and are not counted, as for CBAM.

    Args:
        base_kernel (str): Initial (or fixed) W_base: 'ones' or 'gaussian'
            (3x3 Gaussian, sigma ``GAUSSIAN_SIGMA``, peak 1).
        learnable (bool): W_base is a (3, 3) parameter (9 weights, in-network
            "+DSA") instead of a fixed buffer (parameter-free, as in
            distillation where the teacher is frozen).
    """

    def __init__(self,
                 base_kernel: str = 'ones',
                 learnable: bool = False) -> None:
        super().__init__()
        if base_kernel not in BASE_KERNELS:
            raise ValueError(f'DSA base_kernel must be one of {BASE_KERNELS}'
                             f', got {base_kernel!r}')
        self.learnable = learnable
        base = _base_kernel(base_kernel)
        if learnable:
            self.base_kernel = nn.Parameter(base)
        else:
            # Fully determined by the config: not saved in checkpoints.
            self.register_buffer('base_kernel', base, persistent=False)
        self.register_buffer('masks', _direction_masks(), persistent=False)
        centre = torch.zeros(KERNEL_SIZE, KERNEL_SIZE)
        centre[CENTRE, CENTRE] = 1
        self.register_buffer('centre', centre, persistent=False)

    def directional_kernels(self) -> Tensor:
        """The eight zero-sum directional kernels k_d1..k_d8 (Eq. 3).

        Returns:
            Tensor: Shape (8, 7, 7).
        """
        expanded = F.interpolate(
            self.base_kernel[None, None],
            size=(KERNEL_SIZE, KERNEL_SIZE),
            mode='bilinear',
            align_corners=True)[0]  # (1, 7, 7)
        rays = self.masks * expanded
        # The masks are zero at the centre, so the sum is over the rays.
        return rays - rays.sum(dim=(1, 2))[:, None, None] * self.centre

    def pair_kernels(self) -> Tensor:
        """Kernels of the four orthogonal-pair differences (Eqs. 4-5).

        Returns:
            Tensor: ``P_i = k_di - k_d(i+4)``, shape (4, 7, 7).
        """
        kernels = self.directional_kernels()
        return kernels[:NUM_PAIRS] - kernels[NUM_PAIRS:]

    def contrasts(self, x: Tensor) -> Tensor:
        """The four directional contrasts C_1..C_4 (Eqs. 2-5).

        Args:
            x (Tensor): Features of shape (B, C, H, W).

        Returns:
            Tensor: Non-negative contrasts of shape (B, 4, H, W).
        """
        aggregated = x.mean(dim=1, keepdim=True) + x.amax(dim=1, keepdim=True)
        pairs = self.pair_kernels().to(aggregated.dtype)
        differences = F.conv2d(aggregated, pairs[:, None], padding=CENTRE)
        return differences**2

    def forward(self, x: Tensor) -> Tensor:
        """Spatial weights.

        Args:
            x (Tensor): Features of shape (B, C, H, W).

        Returns:
            Tensor: Weights in [0.5, 1] of shape (B, 1, H, W).
        """
        return torch.sigmoid(self.contrasts(x).amin(dim=1, keepdim=True))

