"""SAMF: shapes, VFM guidance, gradients, the residual and bad widths."""
import pytest
import torch

from mmdsad.models.layers import SAMF


@pytest.mark.parametrize('channels', [2, 7, 64])
def test_shape_is_kept(channels):
    samf = SAMF(channels, vfm_channels=12)
    out = samf(torch.randn(2, channels, 5, 6), torch.randn(2, 12, 5, 6))
    assert out.shape == (2, channels, 5, 6)
    assert samf.split == (channels // 2, channels - channels // 2)


def test_output_depends_on_the_vfm_map_and_gradients_reach_all():
    torch.manual_seed(0)
    samf = SAMF(8, vfm_channels=12)
    x = torch.randn(2, 8, 6, 6)
    guide = torch.randn(2, 12, 6, 6)
    out = samf(x, guide)
    assert not torch.allclose(out, samf(x, torch.randn(2, 12, 6, 6)))
    out.square().mean().backward()
    for name, param in samf.named_parameters():
        assert param.grad is not None and param.grad.abs().sum() > 0, name


def test_halves_are_scaled_and_shifted_then_residual():
    # With identity 3x3 convs (bias-free under BN; BN in eval at its
    # initial statistics), zero shift and a unit scale, SAMF reduces to
    # relu(relu(x) + x): halves untouched, the residual added once.
    samf = SAMF(4, vfm_channels=3).eval()
    with torch.no_grad():
        for conv in (samf.conv_a, samf.conv_b, samf.conv_out):
            conv.conv.weight.zero_()
            conv.conv.weight[:, :, 1, 1] = torch.eye(conv.conv.in_channels)
        samf.scale.weight.zero_()
        samf.scale.bias.fill_(1.0)
        samf.shift.weight.zero_()
        samf.shift.bias.zero_()
    x = torch.randn(1, 4, 5, 5)
    with torch.no_grad():
        out = samf(x, torch.randn(1, 3, 5, 5))
    torch.testing.assert_close(out, torch.relu(torch.relu(x) + x),
                               rtol=1e-4, atol=1e-4)


def test_one_channel_cannot_be_split():
    with pytest.raises(ValueError, match='channels must be >= 2'):
        SAMF(1, vfm_channels=4)
