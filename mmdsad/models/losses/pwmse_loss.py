"""DSAD's feature-distillation loss: Gaussian transform + DSA-weighted MSE."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmrazor.registry import MODELS
from torch import Tensor

GAUSSIAN_EPS = 1e-9


def gaussian_transform(features: Tensor, eps: float = GAUSSIAN_EPS) -> Tensor:
    """Standardise each channel over the batch and all positions (Eqs. 8-11).

    For channel c over its M = N·H·W values: ``μ_c`` the mean, ``σ_c =
    sqrt(var_c + eps)`` with the population variance, and ``(F - μ_c) /
    σ_c``. It removes the magnitude differences between teacher and student
    features before they are compared.

    Args:
        features (Tensor): Features of shape (N, C, H, W).
        eps (float): ε of Eq. 10 (1e-9 in the paper).

    Returns:
        Tensor: Standardised features, same shape.
    """
    mean = features.mean(dim=(0, 2, 3), keepdim=True)
    var = features.var(dim=(0, 2, 3), keepdim=True, unbiased=False)
    return (features - mean) / torch.sqrt(var + eps)


@MODELS.register_module()
class PWMSELoss(nn.Module):
    """Pixel-weighted MSE between Gaussian-transformed features (Eq. 12).

    ``L = β · mean_{n,c,x,y} M(x, y) · (F̂_T(x, y) − F̂_S(x, y))²``

    Eq. 12 writes ``1/(H·W) Σ_{x,y}`` with no batch or channel index. Our
    reading (docs/paper-spec.md §1.5): the mean runs over batch and channels
    as well, so the loss scale does not depend on width or batch size. The
    weight map ``M`` (DSA of the teacher feature, or an ablation variant) is
    broadcast over channels and carries no gradient. The student map is
    resized to the teacher's size with bilinear interpolation (Eq. 1); a
    channel mismatch must be resolved by a connector on the student side
    (a 1x1 conv + BN, MMRazor's ``ConvModuleConnector``).

    Args:
        loss_weight (float): β of Eq. 13 (2 in the paper, with α = 1).
        eps (float): ε of the Gaussian transform.
    """

    def __init__(self,
                 loss_weight: float = 1.0,
                 eps: float = GAUSSIAN_EPS) -> None:
        super().__init__()
        self.loss_weight = loss_weight
        self.eps = eps

    def forward(self,
                preds_S: Tensor,
                preds_T: Tensor,
                weight: Optional[Tensor] = None) -> Tensor:
        """Compute the loss for one distilled layer.

        Args:
            preds_S (Tensor): Student feature (N, C, H_S, W_S), already
                mapped to the teacher's C channels.
            preds_T (Tensor): Teacher feature (N, C, H_T, W_T).
            weight (Tensor, optional): Spatial weights (N, 1, H_T, W_T);
                uniform when None.

        Returns:
            Tensor: Scalar loss.
        """
        if preds_S.shape[1] != preds_T.shape[1]:
            raise ValueError(
                f'PWMSELoss: student feature has {preds_S.shape[1]} channels,'
                f' teacher {preds_T.shape[1]}; add a student connector, e.g. '
                f"dict(type='ConvModuleConnector', in_channel="
                f'{preds_S.shape[1]}, out_channel={preds_T.shape[1]}, '
                "kernel_size=1, norm_cfg=dict(type='BN'), act_cfg=None)")
        if preds_S.shape[-2:] != preds_T.shape[-2:]:
            preds_S = F.interpolate(
                preds_S,
                size=preds_T.shape[-2:],
                mode='bilinear',
                align_corners=False)
        squared_error = (gaussian_transform(preds_T.detach(), self.eps) -
                         gaussian_transform(preds_S, self.eps))**2
        if weight is not None:
            if weight.shape[-2:] != preds_T.shape[-2:] or weight.shape[1] != 1:
                raise ValueError(
                    f'PWMSELoss: weight map of shape {tuple(weight.shape)} '
                    'does not match the teacher feature '
                    f'{tuple(preds_T.shape)}; expected (N, 1, H_T, W_T)')
            squared_error = squared_error * weight.detach()
        return self.loss_weight * squared_error.mean()
