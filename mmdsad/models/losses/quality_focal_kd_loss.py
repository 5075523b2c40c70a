"""CrossKD's quality-focal distillation loss for one-logit-channel maps."""
import torch.nn as nn
import torch.nn.functional as F
from mmrazor.registry import MODELS
from torch import Tensor

from .logit_checks import check_logit_pair


@MODELS.register_module()
class QualityFocalKDLoss(nn.Module):
    """Quality-focal BCE towards the teacher's probabilities (CrossKD).

    CrossKD (Wang et al., CVPR 2024) distils classification scores with the
    quality focal loss of GFL, whose soft target is the teacher's sigmoid:

    ``L = Σ_{n,h,w} BCE(z_X, σ(z_T)) · |σ(z_X) − σ(z_T)|^β / max(1, P)``,

    with ``z_X`` the cross-head logits (the student's head feature through
    the teacher's remaining head layers) and ``z_T`` the teacher's. The
    modulating factor carries gradient as in GFL; the teacher does not.
    The loss is 0 exactly when ``z_X = z_T``. CrossKD sums over every
    anchor and divides by the number of positive anchors; our reading for
    dense one-channel maps: P is the number of pixels the teacher predicts
    as target (σ(z_T) ≥ 0.5). A mean over all pixels would shrink the loss
    by the background's share, over 99 % of an infrared frame. β 1 and
    weight 1: CrossKD's GFL setting.

    Args:
        beta (float): Exponent β of the modulating factor.
        loss_weight (float): Weight of the loss.
    """

    def __init__(self, beta: float = 1.0, loss_weight: float = 1.0) -> None:
        super().__init__()
        if beta < 0:
            raise ValueError(
                f'QualityFocalKDLoss: beta must be >= 0, got {beta}')
        self.beta = beta
        self.loss_weight = loss_weight

    def forward(self, preds_S: Tensor, preds_T: Tensor) -> Tensor:
        """Compute the loss.

        Args:
            preds_S (Tensor): Cross-head (or student) logits (N, 1, H, W).
            preds_T (Tensor): Teacher logits (N, 1, H, W).

        Returns:
            Tensor: Scalar loss.
        """
        check_logit_pair('QualityFocalKDLoss', preds_S, preds_T)
        prob_T = preds_T.detach().sigmoid()
        cross_entropy = F.binary_cross_entropy_with_logits(
            preds_S, prob_T, reduction='none')
        modulation = (preds_S.sigmoid() - prob_T).abs().pow(self.beta)
        positives = (prob_T >= 0.5).sum().clamp(min=1)
        loss = (cross_entropy * modulation).sum() / positives
        return self.loss_weight * loss
