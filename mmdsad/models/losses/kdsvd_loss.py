"""KD-SVD: self-supervised KD with singular value decomposition.

Lee, Kim and Song, "Self-supervised Knowledge Distillation Using Singular
Value Decomposition", ECCV 2018.
"""
from typing import Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmrazor.registry import MODELS
from torch import Tensor

# Bandwidth of the RBF between consecutive layers' singular vectors (paper
# and reference code).
RBF_BANDWIDTH = 8.0
# The student keeps this many more singular vectors than the teacher, so
# that each teacher vector finds a close student one (paper and reference).
EXTRA_STUDENT_VECTORS = 3


class _TopRightSingularVectors(torch.autograd.Function):
    """Top right singular vectors, with the exact gradient made finite.

    The gradient of a singular vector couples it to every other one with
    the factor ``F_ij = 1 / (σ_j² − σ_i²)``. A student feature that went
    through a 1×1 connector to the teacher's width has rank at most its
    own width + 1 (5 of 16 channels for DNANet num4's last node), so its
    trailing singular values are (nearly) equal, and where two are equal
    torch's backward computes 0 · ∞ and returns NaN (on NUDT-SIRST from
    iteration 53, at every loss weight: docs/results.md, "KD-SVD's NaN").
    This is the same gradient, derived from ``A = MᵀM``, with ``F_ij = 0``
    on the diagonal and between equal values (pairs that only meet in
    vectors the loss does not use):
    ``∂L/∂M = U Σ (C + Cᵀ) Vᵀ + U Σ⁻¹ Gᵀ (I − V Vᵀ)``, ``C = F ∘ VᵀG``,
    G = ∂L/∂V; the second term, the pull out of M's row space, is 0 unless
    C > H·W. The reference code (sseung0703/SSKD_SVD) keeps only the top 5
    triplets instead; with that gradient the demo's students stopped
    learning at every weight (docs/results.md), so it is not used. The
    singular values are returned without gradient (the loss scales by the
    teacher's).
    """

    @staticmethod
    def forward(ctx, matrix: Tensor, num_vectors: int):
        left, values, vh = torch.linalg.svd(matrix, full_matrices=False)
        vectors = vh.transpose(1, 2)
        ctx.save_for_backward(left, values, vectors)
        ctx.num_vectors = num_vectors
        top_values = values[:, :num_vectors].clone()
        ctx.mark_non_differentiable(top_values)
        return top_values, vectors[:, :, :num_vectors].clone()

    @staticmethod
    def backward(ctx, _, grad_vectors: Tensor):
        left, values, vectors = ctx.saved_tensors
        grad = F.pad(grad_vectors, (0, values.shape[1] - ctx.num_vectors))
        squared = values.pow(2)
        factor = 1.0 / (squared.unsqueeze(1) - squared.unsqueeze(2))
        # The diagonal and equal singular values: 1 / 0, no coupling.
        factor = torch.where(
            torch.isfinite(factor), factor, torch.zeros_like(factor))
        coupled = factor * (vectors.transpose(1, 2) @ grad)
        grad_matrix = (left * values.unsqueeze(1)) @ (
            coupled + coupled.transpose(1, 2)) @ vectors.transpose(1, 2)
        if vectors.shape[1] > vectors.shape[2]:
            outside = grad - vectors @ (vectors.transpose(1, 2) @ grad)
            inverse = torch.where(values > 0, 1 / values,
                                  torch.zeros_like(values))
            grad_matrix = grad_matrix + (
                left * inverse.unsqueeze(1)) @ outside.transpose(1, 2)
        return grad_matrix, None


def top_right_singular_vectors(feature: Tensor,
                               num_vectors: int) -> Tuple[Tensor, Tensor]:
    """Top right singular vectors of each sample's (H·W, C) feature matrix.

    Args:
        feature (Tensor): Feature map (N, C, H, W); read as N matrices of
            H·W rows (positions) and C columns (channels).
        num_vectors (int): How many to keep, k.

    Returns:
        tuple[Tensor, Tensor]: The k largest singular values, L2-normalised
        per sample, (N, k), without gradient, and their right singular
        vectors (N, C, k), with the gradient of
        :class:`_TopRightSingularVectors`.
    """
    matrix = feature.permute(0, 2, 3, 1).flatten(1, 2)
    if min(matrix.shape[1:]) < num_vectors:
        raise ValueError(
            f'KDSVDLoss: a feature of shape {tuple(feature.shape)} has only '
            f'{min(matrix.shape[1:])} singular vectors, {num_vectors} '
            'needed; lower num_vectors or distil a larger layer')
    values, vectors = _TopRightSingularVectors.apply(matrix, num_vectors)
    return F.normalize(values, dim=1), vectors


def align_to_teacher(student: Tensor, teacher: Tensor) -> Tensor:
    """For each teacher vector, the student vector closest in |cos|, signed.

    Singular vectors are defined up to sign and their order can swap
    between networks, so each of the teacher's k vectors is paired with the
    student vector of largest absolute cosine, flipped to a positive
    cosine.

    Args:
        student (Tensor): Student singular vectors (N, C, k_S), k_S ≥ k.
        teacher (Tensor): Teacher singular vectors (N, C, k).

    Returns:
        Tensor: Aligned student vectors (N, C, k).
    """
    cosine = student.transpose(1, 2) @ teacher
    best = cosine.abs().argmax(dim=1, keepdim=True)
    sign = torch.gather(cosine, 1, best).sign()
    chosen = torch.gather(student, 2, best.expand(-1, student.shape[1], -1))
    return chosen * sign


def layer_pair_rbf(current: Tensor, previous: Tensor) -> Tensor:
    """RBF between every entry of two layers' singular vectors.

    Args:
        current (Tensor): Vectors of layer l, (N, C_l, k).
        previous (Tensor): Vectors of layer l − 1, (N, C_{l−1}, k).

    Returns:
        Tensor: ``exp(−(v_l[i] − v_{l−1}[j])² / 8)``, (N, C_l, C_{l−1}, k).
    """
    difference = current.unsqueeze(2) - previous.unsqueeze(1)
    return torch.exp(-difference.pow(2) / RBF_BANDWIDTH)


@MODELS.register_module()
class KDSVDLoss(nn.Module):
    """KD-SVD on one pair of consecutive distilled layers.

    Per layer and sample, the (H·W)×C feature matrix (NHWC order) is
    compressed by SVD into its top-k right singular vectors ``v`` (k for
    the teacher, k + 3 for the student, aligned to the teacher's by sign and
    largest |cos|), each scaled by the teacher's L2-normalised singular
    value. The knowledge is the relation between consecutive layers,
    ``G = exp(−(v_l − v_{l−1})² / 8)`` taken entry by entry, and

    ``L = Σ ‖G_S − G_T‖² / N``.

    The paper chains L layers; with MMRazor's distiller one loss entry
    takes one pair (earlier, later), so L layers need L − 1 entries. Our
    adaptation to one-channel dense prediction: the DSAD layer set (deepest
    encoder stage, then full-resolution decoder feature) is the pair, and
    each student feature goes through its 1×1 connector to the teacher's
    width first, because singular vectors over channels are compared
    between the networks. Spatial sizes may differ between the two layers,
    not between student and teacher. Defaults k = 1 and weight 1 are
    mdistiller's KDSVD setting.

    Args:
        num_vectors (int): k, singular vectors kept from the teacher.
        loss_weight (float): Weight of the loss.
    """

    def __init__(self, num_vectors: int = 1, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.num_vectors = num_vectors
        self.loss_weight = loss_weight

    def _scaled_vectors(self, preds_S: Tensor,
                        preds_T: Tensor) -> Tuple[Tensor, Tensor]:
        """Aligned student and teacher vectors of one layer, scaled by σ_T.

        Args:
            preds_S (Tensor): Student feature (N, C, H, W).
            preds_T (Tensor): Teacher feature (N, C, H, W).

        Returns:
            tuple[Tensor, Tensor]: Student and teacher (N, C, k).
        """
        if preds_S.shape != preds_T.shape:
            raise ValueError(
                f'KDSVDLoss: student feature {tuple(preds_S.shape)} and '
                f'teacher feature {tuple(preds_T.shape)} differ; map the '
                'student to the teacher width with a connector (e.g. '
                "ConvModuleConnector) in the distiller's connectors")
        values_T, vectors_T = top_right_singular_vectors(
            preds_T.detach(), self.num_vectors)
        _, vectors_S = top_right_singular_vectors(
            preds_S, self.num_vectors + EXTRA_STUDENT_VECTORS)
        vectors_S = align_to_teacher(vectors_S, vectors_T)
        scale = values_T.unsqueeze(1)
        return vectors_S * scale, vectors_T * scale

    def forward(self, preds_S_prev: Tensor, preds_S: Tensor,
                preds_T_prev: Tensor, preds_T: Tensor) -> Tensor:
        """Compute the loss for layers l − 1 ("prev") and l.

        Args:
            preds_S_prev (Tensor): Student layer l − 1 (N, C_p, H_p, W_p).
            preds_S (Tensor): Student layer l (N, C, H, W).
            preds_T_prev (Tensor): Teacher layer l − 1, same shape as the
                student's.
            preds_T (Tensor): Teacher layer l, same shape as the student's.

        Returns:
            Tensor: Scalar loss.
        """
        student_prev, teacher_prev = self._scaled_vectors(
            preds_S_prev, preds_T_prev)
        student, teacher = self._scaled_vectors(preds_S, preds_T)
        gram_S = layer_pair_rbf(student, student_prev)
        gram_T = layer_pair_rbf(teacher, teacher_prev)
        loss = (gram_S - gram_T).pow(2).sum() / preds_S.shape[0]
        return self.loss_weight * loss
