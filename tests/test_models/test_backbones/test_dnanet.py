import pytest
import torch

from mmdsad.models.backbones import DNANet
from mmdsad.models.backbones.dnanet import NUM16_CHANNELS

# The student width num4 (docs/networks.md §1).
NUM4_CHANNELS = (4, 8, 16, 32, 64)


def num_params(module):
    return sum(p.numel() for p in module.parameters())


def test_output_order_and_shapes_num4():
    backbone = DNANet(channels=NUM4_CHANNELS)
    outs = backbone(torch.randn(2, 3, 64, 48))
    # x0_1, x0_2, x0_3, x0_4 at full size, then x1_3, x2_2, x3_1, x4_0.
    expected = [(4, 64, 48)] * 4 + [(8, 32, 24), (16, 16, 12), (32, 8, 6),
                                    (64, 4, 3)]
    assert [tuple(o.shape[1:]) for o in outs] == expected


def test_nested_nodes_named_as_reference():
    names = dict(DNANet(channels=NUM4_CHANNELS).named_children())
    nodes = {f'conv{i}_{j}' for i in range(5) for j in range(5 - i)}
    assert nodes == set(names)


@pytest.mark.parametrize('node,in_channels', [('conv1_1', 8 + 16 + 4),
                                              ('conv0_2', 2 * 4 + 8),
                                              ('conv1_2', 2 * 8 + 16 + 4),
                                              ('conv0_4', 4 * 4 + 8)])
def test_dense_node_inputs(node, in_channels):
    backbone = DNANet(channels=NUM4_CHANNELS)
    assert getattr(backbone, node)[0].conv1.in_channels == in_channels


def test_blocks_per_level():
    backbone = DNANet(channels=NUM4_CHANNELS, num_blocks=(1, 2, 3, 4))
    assert len(backbone.conv0_0) == 1 and len(backbone.conv0_3) == 1
    assert len(backbone.conv2_0) == 2 and len(backbone.conv4_0) == 4


def test_zero_width_attention_runs_at_num4():
    # 4- and 8-channel blocks have channel attention of width 0.
    backbone = DNANet(channels=NUM4_CHANNELS)
    assert backbone.conv0_0[0].ca.mlp is None
    out = backbone(torch.randn(1, 3, 32, 32))
    assert all(torch.isfinite(o).all() for o in out)


def test_bad_widths_are_refused():
    with pytest.raises(ValueError, match='5 channel widths'):
        DNANet(channels=(4, 8, 16))
    with pytest.raises(ValueError, match='4 block counts'):
        DNANet(channels=NUM16_CHANNELS, num_blocks=(2, 2))
