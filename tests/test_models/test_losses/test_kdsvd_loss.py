import math

import numpy as np
import pytest
import torch

from mmdsad.models.losses import KDSVDLoss
from mmdsad.models.losses.kdsvd_loss import top_right_singular_vectors


def direct_vectors(feature, k):
    """numpy SVD per sample of the (H·W, C) matrix: σ (normalised), V."""
    values, vectors = [], []
    for sample in feature.numpy():
        matrix = sample.transpose(1, 2, 0).reshape(-1, sample.shape[0])
        _, sigma, vh = np.linalg.svd(matrix, full_matrices=False)
        sigma = sigma[:k] / np.linalg.norm(sigma[:k])
        values.append(sigma)
        vectors.append(vh[:k].T)
    return values, vectors


def direct_aligned(feature_S, feature_T, k):
    """Per sample: teacher V·σ_T and the best-|cos|, signed student V·σ_T."""
    sigma_T, vectors_T = direct_vectors(feature_T, k)
    _, vectors_S = direct_vectors(feature_S, k + 3)
    student, teacher = [], []
    for sigma, v_T, v_S in zip(sigma_T, vectors_T, vectors_S):
        aligned = np.zeros_like(v_T)
        for j in range(k):
            cosines = [float(v_S[:, i] @ v_T[:, j]) for i in range(k + 3)]
            best = int(np.argmax(np.abs(cosines)))
            aligned[:, j] = np.sign(cosines[best]) * v_S[:, best]
        student.append(aligned * sigma)
        teacher.append(v_T * sigma)
    return student, teacher


def direct_kdsvd(s_prev, s_cur, t_prev, t_cur, k):
    s_p, t_p = direct_aligned(s_prev, t_prev, k)
    s_c, t_c = direct_aligned(s_cur, t_cur, k)
    total = 0.0
    for n in range(len(s_c)):
        for i in range(s_c[n].shape[0]):
            for j in range(s_p[n].shape[0]):
                for m in range(k):
                    g_S = math.exp(-(s_c[n][i, m] - s_p[n][j, m])**2 / 8)
                    g_T = math.exp(-(t_c[n][i, m] - t_p[n][j, m])**2 / 8)
                    total += (g_S - g_T)**2
    return total / len(s_c)


def features(seed):
    generator = torch.Generator().manual_seed(seed)
    prev = torch.randn(2, 6, 8, 8, generator=generator, dtype=torch.float64)
    cur = torch.randn(2, 8, 16, 16, generator=generator, dtype=torch.float64)
    return prev, cur


@pytest.mark.parametrize('k', [1, 2])
def test_matches_direct_implementation(k):
    s_prev, s_cur = features(0)
    t_prev, t_cur = features(1)
    loss = KDSVDLoss(num_vectors=k, loss_weight=3.0)(s_prev, s_cur, t_prev,
                                                      t_cur)
    expected = direct_kdsvd(s_prev, s_cur, t_prev, t_cur, k)
    assert expected > 0
    assert loss.item() == pytest.approx(3.0 * expected, rel=1e-6)


def test_zero_for_the_teacher_itself_whatever_the_sign():
    t_prev, t_cur = features(1)
    loss = KDSVDLoss()(-t_prev, t_cur.clone(), t_prev, t_cur)
    assert loss.item() == pytest.approx(0, abs=1e-10)


def test_gradient_is_finite_and_reaches_student_only():
    s_prev, s_cur = (f.float().requires_grad_() for f in features(0))
    t_prev, t_cur = (f.float().requires_grad_() for f in features(1))
    KDSVDLoss()(s_prev, s_cur, t_prev, t_cur).backward()
    for grad in (s_prev.grad, s_cur.grad):
        assert torch.isfinite(grad).all() and grad.abs().sum() > 0
    assert t_prev.grad is None and t_cur.grad is None


@pytest.mark.parametrize(
    'shape, num_vectors',
    [((2, 4, 5, 6), 3), ((2, 8, 2, 3), 2)],
    ids=['more positions than channels', 'more channels than positions'])
def test_gradient_is_torchs_exact_one_where_that_is_finite(
        shape, num_vectors):
    generator = torch.Generator().manual_seed(2)
    feature = torch.randn(*shape, generator=generator, dtype=torch.float64)
    weights = torch.randn(shape[0], shape[1], num_vectors,
                          generator=generator, dtype=torch.float64)
    ours = feature.clone().requires_grad_()
    (top_right_singular_vectors(ours, num_vectors)[1] *
     weights).sum().backward()
    exact = feature.clone().requires_grad_()
    matrix = exact.permute(0, 2, 3, 1).flatten(1, 2)
    vh = torch.linalg.svd(matrix, full_matrices=False)[2]
    (vh[:, :num_vectors].transpose(1, 2) * weights).sum().backward()
    torch.testing.assert_close(ours.grad, exact.grad)


def test_gradient_is_finite_on_a_feature_of_lower_rank_than_its_width():
    # A 1x1 connector from 4 to 16 channels: equal trailing singular
    # values, where the exact gradient is 0 / 0 (the NUDT-SIRST NaN).
    generator = torch.Generator().manual_seed(3)
    narrow = torch.randn(2, 4, 16, 16, generator=generator).relu()
    s_prev, s_cur = (
        torch.cat([f, torch.zeros_like(f).repeat(1, 3, 1, 1)],
                  1).requires_grad_()
        for f in (narrow[:, :, ::2, ::2], narrow))
    t_prev, t_cur = (torch.randn(2, 16, *f.shape[2:], generator=generator)
                     for f in (s_prev, s_cur))
    loss = KDSVDLoss()(s_prev, s_cur, t_prev, t_cur)
    loss.backward()
    assert loss > 0
    for grad in (s_prev.grad, s_cur.grad):
        assert torch.isfinite(grad).all() and grad.abs().sum() > 0


def test_refuses_unaligned_widths_and_too_few_vectors():
    s_prev, s_cur = features(0)
    with pytest.raises(ValueError, match='connector'):
        KDSVDLoss()(s_prev[:, :3], s_cur, s_prev, s_cur)
    with pytest.raises(ValueError, match='num_vectors'):
        KDSVDLoss(num_vectors=6)(s_prev, s_cur, s_prev, s_cur)
