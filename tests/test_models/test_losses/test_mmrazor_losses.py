"""MMRazor's losses reused for the comparison, on DSAD-layer-like features.

The student's distilled layers have 1/4 of the teacher's channels at the
same positions (num4 vs num16); each test checks that the loss, with the
connector the comparison configs put in front of it, accepts such a pair,
matches a direct implementation and passes gradient to the student.
"""
import pytest
import torch
import torch.nn.functional as F
from mmrazor.registry import MODELS


def build(cfg):
    return MODELS.build(dict(cfg, _scope_='mmrazor'))


def pair(student_channels=4, teacher_channels=16, size=8, batch=3):
    torch.manual_seed(0)
    student = torch.randn(batch, student_channels, size, size,
                          requires_grad=True)
    # MMRazor's losses do not detach the teacher: SingleTeacherDistill runs
    # the frozen teacher under no_grad, as here.
    teacher = torch.randn(batch, teacher_channels, size, size)
    return student, teacher


def assert_gradient_reaches_student(loss, student):
    loss.backward()
    assert student.grad.abs().sum() > 0


def test_at_loss_across_widths():
    student, teacher = pair()
    loss = build(dict(type='ATLoss', loss_weight=1000.0))(student, teacher)

    def attention(x):
        return F.normalize(x.pow(2).mean(1).flatten(1), dim=1)

    expected = 1000.0 * (attention(student) -
                         attention(teacher)).pow(2).mean()
    torch.testing.assert_close(loss, expected)
    assert loss.item() > 0
    assert_gradient_reaches_student(loss, student)


def direct_distance_loss(student, teacher):
    def normalised_distances(x):
        x = F.normalize(x.flatten(1), dim=1)
        d = torch.cdist(x, x)
        return d / d[d > 0].mean()

    return F.smooth_l1_loss(
        normalised_distances(student), normalised_distances(teacher))


def direct_angle_loss(student, teacher):
    def angles(x):
        x = F.normalize(x.flatten(1), dim=1)
        n = len(x)
        values = torch.zeros(n, n, n)
        for i in range(n):
            for j in range(n):
                for k in range(n):
                    a = F.normalize(x[j] - x[i], dim=0)
                    b = F.normalize(x[k] - x[i], dim=0)
                    values[i, j, k] = a @ b
        return values.flatten()

    return F.smooth_l1_loss(angles(student), angles(teacher))


def test_rkd_on_pooled_features_across_widths():
    student, teacher = pair(size=16)
    pool = build(
        dict(
            type='TorchFunctionalConnector',
            function_name='adaptive_avg_pool2d',
            func_args=dict(output_size=4)))
    pooled_S, pooled_T = pool(student), pool(teacher)
    assert pooled_S.shape == (3, 4, 4, 4)
    distance = build(dict(type='DistanceWiseRKD', loss_weight=25.0))
    angle = build(dict(type='AngleWiseRKD', loss_weight=50.0))
    loss_d, loss_a = distance(pooled_S, pooled_T), angle(pooled_S, pooled_T)
    torch.testing.assert_close(
        loss_d, 25.0 * direct_distance_loss(pooled_S, pooled_T))
    torch.testing.assert_close(
        loss_a, 50.0 * direct_angle_loss(pooled_S, pooled_T))
    assert_gradient_reaches_student(loss_d + loss_a, student)


def test_mgd_connector_aligns_width_and_loss_matches():
    student, teacher = pair()
    connector = build(
        dict(
            type='MGDConnector',
            student_channels=4,
            teacher_channels=16,
            lambda_mgd=0.65))
    torch.manual_seed(1)
    generated = connector(student)
    assert generated.shape == teacher.shape
    loss = build(dict(type='MGDLoss', alpha_mgd=2e-5))(generated, teacher)
    expected = 2e-5 * (generated - teacher).pow(2).sum() / len(teacher)
    torch.testing.assert_close(loss, expected)
    assert_gradient_reaches_student(loss, student)
    assert connector.align.weight.grad.abs().sum() > 0


def test_pkd_needs_a_connector_and_matches_pearson_form():
    student, teacher = pair()
    pkd = build(dict(type='PKDLoss', loss_weight=6.0))
    with pytest.raises(AssertionError):
        pkd(student, teacher)
    connector = build(
        dict(
            type='ConvModuleConnector',
            in_channel=4,
            out_channel=16,
            kernel_size=1,
            norm_cfg=dict(type='BN'),
            act_cfg=None))
    aligned = connector(student)
    loss = pkd(aligned, teacher)

    def standardise(x):
        flat = x.transpose(0, 1).flatten(1)
        flat = (flat - flat.mean(1, keepdim=True)) / (
            flat.std(1, keepdim=True) + 1e-6)
        return flat

    expected = 6.0 * F.mse_loss(standardise(aligned),
                                standardise(teacher)) / 2
    torch.testing.assert_close(loss, expected)
    assert_gradient_reaches_student(loss, student)
