"""CCKD: correlation congruence for KD (Peng et al., ICCV 2019)."""
import math

import torch.nn as nn
import torch.nn.functional as F
from mmrazor.registry import MODELS
from torch import Tensor


def taylor_rbf_correlation(embeddings: Tensor, gamma: float,
                           order: int) -> Tensor:
    """Correlation matrix under the P-order Taylor expansion of the RBF.

    For L2-normalised embeddings, ``exp(−γ‖x − y‖²) = exp(−2γ) ·
    exp(2γ xᵀy)``, and expanding the second factor to order P gives

    ``ψ(x, y) = Σ_{p=0..P} exp(−2γ) (2γ)^p / p! · (xᵀy)^p``.

    Args:
        embeddings (Tensor): Embeddings (M, D); L2-normalised here.
        gamma (float): γ of the RBF kernel.
        order (int): P, the order of the expansion.

    Returns:
        Tensor: ψ between every pair, (M, M).
    """
    normalised = F.normalize(embeddings, dim=1)
    similarity = normalised @ normalised.t()
    correlation = similarity.new_zeros(similarity.shape)
    for power in range(order + 1):
        coefficient = (math.exp(-2 * gamma) * (2 * gamma)**power /
                       math.factorial(power))
        correlation = correlation + coefficient * similarity.pow(power)
    return correlation


def pooled_pixel_embeddings(feature: Tensor, pool_size: int) -> Tensor:
    """Channel vectors of an average-pooled grid of every image.

    Args:
        feature (Tensor): Feature map (N, C, H, W).
        pool_size (int): Side of the grid, G.

    Returns:
        Tensor: One embedding per grid cell of each image, (N·G·G, C).
    """
    pooled = F.adaptive_avg_pool2d(feature, pool_size)
    return pooled.permute(0, 2, 3, 1).flatten(0, 2)


@MODELS.register_module()
class CCKDLoss(nn.Module):
    """Correlation congruence between student and teacher embeddings.

    CCKD transfers the correlation between instances: with ``ψ`` the
    Taylor-expanded Gaussian RBF of :func:`taylor_rbf_correlation` (γ 0.4,
    P 2 in the paper's reference code) over L2-normalised embeddings,

    ``L = mean_{i,j} (ψ(s_i, s_j) − ψ(t_i, t_j))²``.

    The paper's instances are images with one embedding each. Our
    adaptation to dense prediction: the instances are the cells of a G×G
    average-pooled grid of every image of the batch, so the correlation
    matrix is (N·G²)×(N·G²) (256×256 for a batch of 16 and G = 4) whatever
    the feature size, and it still sees where in the image a response lies;
    G = 1 is the paper's per-image form. Embedding widths may differ
    between student and teacher. Default weight 0.02: the CC setting of the
    RepDistiller training scripts.

    Args:
        gamma (float): γ of the RBF kernel.
        order (int): P, the order of the Taylor expansion.
        pool_size (int): G, grid side of the pooled embeddings per image.
        loss_weight (float): Weight of the loss.
    """

    def __init__(self,
                 gamma: float = 0.4,
                 order: int = 2,
                 pool_size: int = 4,
                 loss_weight: float = 0.02) -> None:
        super().__init__()
        if pool_size < 1 or order < 0:
            raise ValueError(
                f'CCKDLoss: pool_size must be >= 1 and order >= 0, got '
                f'pool_size={pool_size}, order={order}')
        self.gamma = gamma
        self.order = order
        self.pool_size = pool_size
        self.loss_weight = loss_weight

    def forward(self, preds_S: Tensor, preds_T: Tensor) -> Tensor:
        """Compute the loss.

        Args:
            preds_S (Tensor): Student feature (N, C_S, H_S, W_S).
            preds_T (Tensor): Teacher feature (N, C_T, H_T, W_T).

        Returns:
            Tensor: Scalar loss.
        """
        correlation_S = taylor_rbf_correlation(
            pooled_pixel_embeddings(preds_S, self.pool_size), self.gamma,
            self.order)
        correlation_T = taylor_rbf_correlation(
            pooled_pixel_embeddings(preds_T.detach(), self.pool_size),
            self.gamma, self.order)
        return self.loss_weight * F.mse_loss(correlation_S, correlation_T)
