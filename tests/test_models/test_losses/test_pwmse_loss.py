import pytest
import torch

from mmdsad.models.losses import PWMSELoss, gaussian_transform


def direct_gaussian(features, eps=1e-9):
    """Eqs. 8-11 written out channel by channel."""
    out = torch.empty_like(features)
    for c in range(features.shape[1]):
        values = features[:, c]
        mean = values.sum() / values.numel()
        var = ((values - mean)**2).sum() / values.numel()
        out[:, c] = (values - mean) / torch.sqrt(var + eps)
    return out


def direct_pwmse(student, teacher, weight, beta):
    """Eq. 12 with the mean over batch and channels (our reading)."""
    s_hat, t_hat = direct_gaussian(student), direct_gaussian(teacher)
    n, c, h, w = teacher.shape
    total = 0.0
    for i in range(n):
        for k in range(c):
            total += (weight[i, 0] * (t_hat[i, k] - s_hat[i, k])**2).sum()
    return beta * total / (n * c * h * w)


def test_gaussian_transform_matches_equations():
    torch.manual_seed(0)
    features = torch.randn(3, 4, 5, 6) * 7 + 2
    torch.testing.assert_close(
        gaussian_transform(features), direct_gaussian(features))
    standardised = gaussian_transform(features)
    torch.testing.assert_close(
        standardised.mean(dim=(0, 2, 3)), torch.zeros(4), atol=1e-5,
        rtol=0)


def test_gaussian_transform_removes_magnitude():
    features = torch.randn(2, 3, 4, 4)
    torch.testing.assert_close(
        gaussian_transform(features * 50 + 9), gaussian_transform(features),
        atol=1e-4, rtol=1e-4)


def test_pwmse_matches_direct_implementation():
    torch.manual_seed(1)
    student, teacher = torch.randn(2, 3, 8, 8), torch.randn(2, 3, 8, 8)
    weight = torch.rand(2, 1, 8, 8) * 0.5 + 0.5
    loss = PWMSELoss(loss_weight=2.0)(student, teacher, weight)
    torch.testing.assert_close(
        loss, direct_pwmse(student, teacher, weight, beta=2.0))


def test_zero_when_student_equals_teacher():
    features = torch.randn(2, 4, 8, 8)
    weight = torch.rand(2, 1, 8, 8)
    assert PWMSELoss()(features.clone(), features, weight).item() == 0


def test_student_is_resized_bilinearly_to_teacher():
    teacher = torch.randn(1, 2, 8, 8)
    student = torch.nn.functional.interpolate(
        teacher, size=(4, 4), mode='bilinear', align_corners=False)
    loss = PWMSELoss()(student, teacher)
    resized = torch.nn.functional.interpolate(
        student, size=(8, 8), mode='bilinear', align_corners=False)
    torch.testing.assert_close(loss, PWMSELoss()(resized, teacher))


def test_gradient_reaches_student_only():
    student = torch.randn(2, 3, 6, 6, requires_grad=True)
    teacher = torch.randn(2, 3, 6, 6, requires_grad=True)
    weight = torch.rand(2, 1, 6, 6, requires_grad=True)
    PWMSELoss()(student, teacher, weight).backward()
    assert student.grad.abs().sum() > 0
    assert teacher.grad is None and weight.grad is None


def test_channel_mismatch_names_the_connector_fix():
    with pytest.raises(ValueError, match='ConvModuleConnector'):
        PWMSELoss()(torch.randn(1, 4, 8, 8), torch.randn(1, 16, 8, 8))


def test_weight_shape_is_checked():
    with pytest.raises(ValueError, match='weight map'):
        PWMSELoss()(
            torch.randn(1, 4, 8, 8), torch.randn(1, 4, 8, 8),
            torch.rand(1, 1, 4, 4))
