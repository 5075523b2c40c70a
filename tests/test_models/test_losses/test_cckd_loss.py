import math

import pytest
import torch
import torch.nn.functional as F

from mmdsad.models.losses import CCKDLoss
from mmdsad.models.losses.cckd_loss import taylor_rbf_correlation


def direct_correlation(embeddings, gamma, order):
    """ψ(x, y) pair by pair, on L2-normalised embeddings."""
    unit = [e / e.norm() for e in embeddings]
    size = len(unit)
    matrix = torch.zeros(size, size, dtype=torch.float64)
    for i in range(size):
        for j in range(size):
            dot = float(unit[i] @ unit[j])
            matrix[i, j] = sum(
                math.exp(-2 * gamma) * (2 * gamma)**p / math.factorial(p) *
                dot**p for p in range(order + 1))
    return matrix


def grid_embeddings(feature, grid):
    """Mean channel vector of each grid cell of each image, in order."""
    n, _, h, w = feature.shape
    cell_h, cell_w = h // grid, w // grid
    return [
        feature[i, :, y * cell_h:(y + 1) * cell_h,
                x * cell_w:(x + 1) * cell_w].mean(dim=(1, 2))
        for i in range(n) for y in range(grid) for x in range(grid)
    ]


@pytest.mark.parametrize('grid', [1, 2])
def test_matches_direct_implementation(grid):
    torch.manual_seed(0)
    student = torch.randn(3, 4, 8, 8, dtype=torch.float64)
    teacher = torch.randn(3, 9, 8, 8, dtype=torch.float64)
    loss = CCKDLoss(pool_size=grid, loss_weight=2.0)(student, teacher)
    corr_S = direct_correlation(grid_embeddings(student, grid), 0.4, 2)
    corr_T = direct_correlation(grid_embeddings(teacher, grid), 0.4, 2)
    expected = ((corr_S - corr_T)**2).mean().item()
    assert expected > 0
    assert loss.item() == pytest.approx(2.0 * expected, rel=1e-9)


def test_expansion_approaches_the_rbf_kernel():
    # With enough terms ψ is the Gaussian RBF of the normalised embeddings.
    embeddings = torch.randn(5, 3, dtype=torch.float64)
    unit = F.normalize(embeddings, dim=1)
    rbf = torch.exp(-0.4 * torch.cdist(unit, unit)**2)
    torch.testing.assert_close(
        taylor_rbf_correlation(embeddings, 0.4, 20), rbf)


def test_zero_for_identical_maps_and_gradient_to_student_only():
    teacher = torch.randn(2, 5, 12, 12, requires_grad=True)
    assert CCKDLoss()(teacher.detach().clone(), teacher).item() == 0
    student = torch.randn(2, 3, 6, 6, requires_grad=True)
    CCKDLoss()(student, teacher).backward()
    assert student.grad.abs().sum() > 0 and teacher.grad is None


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match='pool_size'):
        CCKDLoss(pool_size=0)
