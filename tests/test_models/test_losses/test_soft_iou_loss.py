import pytest
import torch

from mmdsad.models.losses import SoftIoULoss


def reference_soft_iou(logits, target, smooth=1.0):
    prob = torch.sigmoid(logits)
    inter = (prob * target).sum()
    return 1 - (inter + smooth) / (prob.sum() + target.sum() - inter + smooth)


def test_matches_batch_level_definition():
    torch.manual_seed(0)
    logits = torch.randn(3, 1, 8, 8)
    target = (torch.rand(3, 8, 8) > 0.8).long()
    loss = SoftIoULoss()(logits, target)
    expected = reference_soft_iou(logits, target.unsqueeze(1).float())
    torch.testing.assert_close(loss, expected)


def test_perfect_prediction_is_near_zero_and_weight_scales():
    target = torch.zeros(1, 1, 16, 16)
    target[..., 4:8, 4:8] = 1
    logits = (target * 2 - 1) * 50
    assert SoftIoULoss()(logits, target) < 1e-3
    torch.testing.assert_close(
        SoftIoULoss(loss_weight=2.0)(logits, target),
        2 * SoftIoULoss()(logits, target))


def test_ignored_pixels_leave_the_sums():
    logits = torch.randn(1, 1, 4, 4)
    target = torch.zeros(1, 4, 4, dtype=torch.long)
    target[0, 0, 0] = 1
    padded = target.clone()
    padded[0, 3] = 255
    expected = reference_soft_iou(logits[..., :3, :],
                                  target[:, None, :3, :].float())
    torch.testing.assert_close(SoftIoULoss()(logits, padded), expected)


def test_unbinarised_mask_is_refused():
    target = torch.zeros(1, 4, 4, dtype=torch.long)
    target[0, 1, 1] = 254
    with pytest.raises(ValueError, match='LoadBinaryAnnotations'):
        SoftIoULoss()(torch.randn(1, 1, 4, 4), target)


def test_needs_one_channel_logits():
    with pytest.raises(ValueError, match=r'\(B, 1, H, W\)'):
        SoftIoULoss()(torch.randn(1, 2, 4, 4), torch.zeros(1, 4, 4))


def test_gradient_flows_to_logits():
    logits = torch.randn(2, 1, 6, 6, requires_grad=True)
    SoftIoULoss()(logits, torch.ones(2, 6, 6)).backward()
    assert logits.grad.abs().sum() > 0
