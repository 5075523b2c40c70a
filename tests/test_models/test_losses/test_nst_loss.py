import pytest
import torch
import torch.nn.functional as F

from mmdsad.models.losses import NSTLoss


def direct_nst(student, teacher):
    """Squared MMD with k(a, b) = (aᵀb)², written pair by pair."""
    n = student.shape[0]
    total = 0.0
    for i in range(n):
        s = [v / v.norm() for v in student[i].flatten(1)]
        t = [v / v.norm() for v in teacher[i].flatten(1)]

        def kernel_mean(xs, ys):
            return sum(float(x @ y)**2 for x in xs for y in ys) / (
                len(xs) * len(ys))

        total += kernel_mean(t, t) + kernel_mean(s, s) - 2 * kernel_mean(s, t)
    return total / n


def test_matches_direct_mmd_with_different_widths():
    torch.manual_seed(0)
    student = torch.randn(2, 3, 5, 5, dtype=torch.float64)
    teacher = torch.randn(2, 7, 5, 5, dtype=torch.float64)
    loss = NSTLoss(loss_weight=2.0)(student, teacher)
    assert loss.item() == pytest.approx(
        2.0 * direct_nst(student, teacher), rel=1e-9)


def test_zero_for_identical_maps_and_positive_otherwise():
    features = torch.randn(2, 4, 6, 6)
    assert NSTLoss()(features.clone(), features).item() == pytest.approx(
        0, abs=1e-5)
    assert NSTLoss()(torch.randn(2, 4, 6, 6), features).item() > 0


def test_student_resized_to_teacher():
    student, teacher = torch.randn(1, 2, 4, 4), torch.randn(1, 3, 8, 8)
    resized = F.interpolate(
        student, size=(8, 8), mode='bilinear', align_corners=False)
    torch.testing.assert_close(NSTLoss()(student, teacher),
                               NSTLoss()(resized, teacher))


def test_gradient_reaches_student_only():
    student = torch.randn(2, 3, 6, 6, requires_grad=True)
    teacher = torch.randn(2, 5, 6, 6, requires_grad=True)
    NSTLoss()(student, teacher).backward()
    assert student.grad.abs().sum() > 0 and teacher.grad is None
