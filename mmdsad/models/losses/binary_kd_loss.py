"""KD (Hinton et al. 2015) for one-logit-channel dense prediction."""
import torch.nn as nn
import torch.nn.functional as F
from mmrazor.registry import MODELS
from torch import Tensor

from .logit_checks import check_logit_pair


@MODELS.register_module()
class BinaryKDLoss(nn.Module):
    """Temperature-softened KD between per-pixel Bernoulli outputs.

    Hinton et al. (2015) minimise ``τ² · KL(softmax(z_T/τ) ‖
    softmax(z_S/τ))`` over the class axis. Our networks predict a single
    target logit per pixel, where a softmax over the one channel is
    identically 1 and that loss identically 0 (MMRazor's ``KLDivergence``).
    The one-channel logit ``z`` is the two-class logit difference, so the
    softmax over {background, target} becomes the sigmoid, and per pixel

    ``L = τ² · mean_{n,h,w} [p_T log(p_T / p_S) + (1 − p_T) log((1 − p_T) /
    (1 − p_S))]``,  ``p = σ(z / τ)``,

    written as BCE(z_S/τ, p_T) − BCE(z_T/τ, p_T) for numerical stability.
    The teacher carries no gradient. Default temperature 4 and weight 0.9
    are the KD setting of RepDistiller / mdistiller (CIFAR-100 reference
    code).

    Args:
        tau (float): Temperature τ.
        loss_weight (float): Weight of the loss.
    """

    def __init__(self, tau: float = 4.0, loss_weight: float = 0.9) -> None:
        super().__init__()
        if tau <= 0:
            raise ValueError(f'BinaryKDLoss: tau must be positive, got {tau}')
        self.tau = tau
        self.loss_weight = loss_weight

    def forward(self, preds_S: Tensor, preds_T: Tensor) -> Tensor:
        """Compute the loss.

        Args:
            preds_S (Tensor): Student logits (N, 1, H, W).
            preds_T (Tensor): Teacher logits (N, 1, H, W).

        Returns:
            Tensor: Scalar loss.
        """
        check_logit_pair(
            'BinaryKDLoss', preds_S, preds_T,
            'Record the last output of the decode heads (data_idx=-1 in '
            'loss_forward_mappings).')
        logits_S = preds_S / self.tau
        logits_T = preds_T.detach() / self.tau
        prob_T = logits_T.sigmoid()
        cross_entropy = F.binary_cross_entropy_with_logits(logits_S, prob_T)
        teacher_entropy = F.binary_cross_entropy_with_logits(logits_T, prob_T)
        return self.loss_weight * self.tau**2 * (cross_entropy -
                                                 teacher_entropy)
