import pytest
import torch

from mmdsad.models.layers import (
    ChannelAttention,
    ResCBAMBlock,
    SpatialAttention,
    make_res_cbam_stage,
)


def test_channel_attention_weights_per_channel():
    attention = ChannelAttention(32, ratio=16)
    weights = attention(torch.randn(2, 32, 8, 8))
    assert weights.shape == (2, 32, 1, 1)
    assert ((weights > 0) & (weights < 1)).all()


@pytest.mark.parametrize('channels,ratio', [(4, 16), (8, 16), (4, 8)])
def test_zero_width_channel_attention_is_torch1_constant(channels, ratio):
    # channels // ratio == 0: the reference's zero-width layers ran on
    # torch 1.x as sigmoid(0) = 0.5 with no parameters.
    attention = ChannelAttention(channels, ratio=ratio)
    assert sum(p.numel() for p in attention.parameters()) == 0
    weights = attention(torch.randn(3, channels, 5, 5))
    assert weights.shape == (3, channels, 1, 1)
    assert torch.all(weights == 0.5)


def test_spatial_attention_map_and_odd_kernel():
    weights = SpatialAttention(kernel_size=3)(torch.randn(2, 6, 9, 11))
    assert weights.shape == (2, 1, 9, 11)
    with pytest.raises(ValueError, match='odd'):
        SpatialAttention(kernel_size=4)


def test_res_cbam_block_shapes_and_shortcut():
    widening = ResCBAMBlock(3, 16)
    assert isinstance(widening.shortcut, torch.nn.Sequential)
    assert widening(torch.randn(2, 3, 16, 16)).shape == (2, 16, 16, 16)
    same = ResCBAMBlock(16, 16)
    assert isinstance(same.shortcut, torch.nn.Identity)


def test_res_cbam_block_builds_spatial_attention_from_config():
    block = ResCBAMBlock(
        8, 8, spatial_attention=dict(type='SpatialAttention', kernel_size=3))
    assert block.sa.conv.kernel_size == (3, 3)


def test_stage_needs_a_block():
    assert len(make_res_cbam_stage(4, 8, 3)) == 3
    with pytest.raises(ValueError, match='at least one block'):
        make_res_cbam_stage(4, 8, 0)
