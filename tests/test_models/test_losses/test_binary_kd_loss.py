import math

import pytest
import torch
from mmrazor.models.losses import KLDivergence
from mmrazor.registry import MODELS

from mmdsad.models.losses import BinaryKDLoss


def direct_binary_kd(student, teacher, tau):
    """τ² · mean over pixels of KL(Bernoulli(p_T) ‖ Bernoulli(p_S))."""
    total = 0.0
    values_S, values_T = student.flatten().tolist(), teacher.flatten().tolist()
    for z_S, z_T in zip(values_S, values_T):
        p_S = 1 / (1 + math.exp(-z_S / tau))
        p_T = 1 / (1 + math.exp(-z_T / tau))
        total += p_T * math.log(p_T / p_S)
        total += (1 - p_T) * math.log((1 - p_T) / (1 - p_S))
    return tau**2 * total / len(values_S)


@pytest.mark.parametrize('tau', [1.0, 4.0])
def test_matches_direct_kl(tau):
    torch.manual_seed(0)
    student = torch.randn(2, 1, 5, 6, dtype=torch.float64) * 3
    teacher = torch.randn(2, 1, 5, 6, dtype=torch.float64) * 3
    loss = BinaryKDLoss(tau=tau, loss_weight=0.5)(student, teacher)
    assert loss.item() == pytest.approx(
        0.5 * direct_binary_kd(student, teacher, tau), rel=1e-9)


def test_zero_when_student_equals_teacher():
    logits = torch.randn(2, 1, 8, 8) * 4
    loss = BinaryKDLoss()(logits.clone(), logits)
    assert loss.item() == pytest.approx(0, abs=1e-6)


def test_one_channel_logits_get_a_loss_and_a_gradient():
    # MMRazor's softmax KL is identically zero for one logit channel, which
    # is why the binary form exists.
    student = torch.randn(2, 1, 8, 8, requires_grad=True)
    teacher = torch.randn(2, 1, 8, 8, requires_grad=True)
    softmax_kl = KLDivergence(tau=4)(student, teacher)
    assert softmax_kl.item() == pytest.approx(0, abs=1e-7)

    loss = MODELS.build(dict(type='BinaryKDLoss', _scope_='mmrazor'))(
        student, teacher)
    assert loss.item() > 0
    loss.backward()
    assert student.grad.abs().sum() > 0
    assert teacher.grad is None


def test_wrong_shapes_are_refused_with_the_fix():
    with pytest.raises(ValueError, match='data_idx=-1'):
        BinaryKDLoss()(torch.randn(2, 2, 4, 4), torch.randn(2, 2, 4, 4))
    with pytest.raises(ValueError, match='tau must be positive'):
        BinaryKDLoss(tau=0)
