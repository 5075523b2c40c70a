"""NST: neuron selectivity transfer (Huang & Wang 2017)."""
import torch.nn as nn
import torch.nn.functional as F
from mmrazor.registry import MODELS
from torch import Tensor


def polynomial_kernel_mean(a: Tensor, b: Tensor) -> Tensor:
    """Mean of ``k(a_i, b_j) = (a_iᵀ b_j)²`` over samples and pairs.

    Args:
        a (Tensor): Vectors (N, C_a, D).
        b (Tensor): Vectors (N, C_b, D).

    Returns:
        Tensor: Scalar mean over N, C_a and C_b.
    """
    return (a @ b.transpose(1, 2)).pow(2).mean()


@MODELS.register_module()
class NSTLoss(nn.Module):
    """Squared MMD between the channel distributions of two feature maps.

    NST treats every channel of a feature map as a sample ``f_i ∈ R^{HW}``
    of the layer's "neuron selectivity" distribution, L2-normalised over
    H×W, and matches the student's distribution to the teacher's with the
    squared maximum mean discrepancy under the polynomial kernel ``k(a, b)
    = (aᵀb)²`` (the paper's best kernel, d = 2, c = 0):

    ``L = mean_{i,j} k(t_i, t_j) + mean_{i,j} k(s_i, s_j)
    − 2 mean_{i,j} k(s_i, t_j)``, averaged over the batch.

    Channel counts may differ, positions may not: for one-channel dense
    prediction we apply it to the DSAD layer set, and a student map of
    another size is resized bilinearly to the teacher's (as in PWMSE).
    Default weight 50: the NST setting of mdistiller / RepDistiller.

    Args:
        loss_weight (float): Weight of the loss.
    """

    def __init__(self, loss_weight: float = 50.0) -> None:
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self, preds_S: Tensor, preds_T: Tensor) -> Tensor:
        """Compute the loss.

        Args:
            preds_S (Tensor): Student feature (N, C_S, H_S, W_S).
            preds_T (Tensor): Teacher feature (N, C_T, H_T, W_T).

        Returns:
            Tensor: Scalar loss.
        """
        if preds_S.shape[-2:] != preds_T.shape[-2:]:
            preds_S = F.interpolate(
                preds_S,
                size=preds_T.shape[-2:],
                mode='bilinear',
                align_corners=False)
        student = F.normalize(preds_S.flatten(2), dim=2)
        teacher = F.normalize(preds_T.detach().flatten(2), dim=2)
        mmd = (
            polynomial_kernel_mean(teacher, teacher) +
            polynomial_kernel_mean(student, student) -
            2 * polynomial_kernel_mean(student, teacher))
        return self.loss_weight * mmd
