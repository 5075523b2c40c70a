import math

import pytest
import torch
from mmengine.registry import init_default_scope
from mmrazor.registry import MODELS

from mmdsad.models.losses import QualityFocalKDLoss


def direct_quality_focal_kd(cross, teacher, beta):
    """Σ BCE(z_X, p_T) · |p_X − p_T|^β over the teacher's target pixels."""
    total, positives = 0.0, 0
    for z_X, z_T in zip(cross.flatten().tolist(), teacher.flatten().tolist()):
        p_X = 1 / (1 + math.exp(-z_X))
        p_T = 1 / (1 + math.exp(-z_T))
        bce = -(p_T * math.log(p_X) + (1 - p_T) * math.log(1 - p_X))
        total += bce * abs(p_X - p_T)**beta
        positives += p_T >= 0.5
    return total / max(1, positives)


@pytest.mark.parametrize('beta', [1.0, 2.0])
def test_matches_direct_formula(beta):
    torch.manual_seed(0)
    cross = torch.randn(2, 1, 5, 6, dtype=torch.float64) * 3
    teacher = torch.randn(2, 1, 5, 6, dtype=torch.float64) * 3
    loss = QualityFocalKDLoss(beta=beta, loss_weight=0.5)(cross, teacher)
    assert loss.item() == pytest.approx(
        0.5 * direct_quality_focal_kd(cross, teacher, beta), rel=1e-9)


def test_all_background_teacher_divides_by_one():
    cross = torch.full((1, 1, 4, 4), 2.0, dtype=torch.float64)
    teacher = torch.full((1, 1, 4, 4), -5.0, dtype=torch.float64)
    assert QualityFocalKDLoss()(cross, teacher).item() == pytest.approx(
        direct_quality_focal_kd(cross, teacher, 1.0), rel=1e-9)


def test_zero_exactly_when_cross_head_equals_teacher():
    logits = torch.randn(2, 1, 8, 8) * 4
    assert QualityFocalKDLoss()(logits.clone(), logits).item() == 0
    assert QualityFocalKDLoss()(logits + 0.5, logits).item() > 0


def test_gradient_reaches_the_cross_head_logits_not_the_teacher():
    cross = torch.randn(1, 1, 6, 6, requires_grad=True)
    teacher = torch.randn(1, 1, 6, 6, requires_grad=True)
    QualityFocalKDLoss()(cross, teacher).backward()
    assert cross.grad.abs().sum() > 0 and teacher.grad is None


def test_registered_and_refuses_other_shapes():
    init_default_scope('mmrazor')
    loss = MODELS.build(dict(type='QualityFocalKDLoss'))
    with pytest.raises(ValueError, match='one-channel'):
        loss(torch.zeros(1, 2, 4, 4), torch.zeros(1, 2, 4, 4))
    with pytest.raises(ValueError, match='beta'):
        QualityFocalKDLoss(beta=-1)
