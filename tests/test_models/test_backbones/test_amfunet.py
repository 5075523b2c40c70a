import pytest
import torch

from mmdsad.models.backbones import AMFUNet
from mmdsad.models.backbones.amfunet import NUM16_CHANNELS
from mmdsad.models.layers import DSA, SpatialAttention

# The student width num4 (docs/networks.md §1).
NUM4_CHANNELS = (4, 8, 16, 32, 64)


def test_output_shapes_num4():
    outs = AMFUNet(channels=NUM4_CHANNELS)(torch.randn(2, 3, 64, 48))
    expected = [(4, 64, 48), (8, 32, 24), (16, 16, 12), (32, 8, 6),
                (64, 4, 3)]
    assert [tuple(o.shape[1:]) for o in outs] == expected


def test_one_amfu_block_per_stage_named_as_reference():
    backbone = AMFUNet(channels=NUM16_CHANNELS)
    assert [name for name, _ in backbone.named_children()] == [
        'conv1', 'conv2', 'conv3', 'conv4', 'conv5'
    ]
    for i, width in enumerate(NUM16_CHANNELS, start=1):
        stage = getattr(backbone, f'conv{i}')
        assert len(stage) == 1
        block = stage[0]
        assert block.conv2.out_channels == width
        assert block.ca.hidden_channels == width // 8
        assert isinstance(block.sa, SpatialAttention)
        assert block.sa.conv.kernel_size == (3, 3)
    assert backbone.conv1[0].conv1.in_channels == 3


def test_zero_width_attention_runs_at_num4():
    # conv1's 4-channel block has channel attention of width 4 // 8 = 0.
    backbone = AMFUNet(channels=NUM4_CHANNELS)
    assert backbone.conv1[0].ca.mlp is None
    assert all(
        torch.isfinite(o).all()
        for o in backbone(torch.randn(1, 3, 32, 32)))


def test_dsa_replaces_spatial_attention():
    backbone = AMFUNet(
        channels=NUM4_CHANNELS,
        spatial_attention=dict(type='DSA', learnable=True))
    assert all(
        isinstance(getattr(backbone, f'conv{i}')[0].sa, DSA)
        for i in range(1, 6))
    assert len(backbone(torch.randn(1, 3, 32, 32))) == 5


def test_bad_widths_are_refused():
    with pytest.raises(ValueError, match='5 channel widths'):
        AMFUNet(channels=(4, 8, 16))
