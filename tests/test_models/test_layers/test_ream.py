import pytest
import torch
from mmseg.registry import MODELS

from mmdsad.models.layers import REAM


def test_keeps_shape_and_is_registered():
    ream = MODELS.build(dict(type='REAM', channels=64)).eval()
    with torch.no_grad():
        out = ream(torch.randn(2, 64, 8, 6))
    assert out.shape == (2, 64, 8, 6)
    # The three dilated stacks of three residual units each.
    assert [b.units[0][1].dilation for b in ream.multi_dilation.branches
            ] == [(1, 1), (2, 2), (4, 4)]
    assert all(len(b.units) == 3 for b in ream.multi_dilation.branches)


def test_reference_layer_shapes_at_num4():
    ream = REAM(64)
    unit = ream.multi_dilation.branches[0].units[0]
    # BN(C/2), conv C/2 -> C, GN(32, C), ReLU, BN(C), conv C -> C/2, ...
    assert unit[1].in_channels == 32 and unit[1].out_channels == 64
    assert unit[1].bias is None and unit[2].num_groups == 32
    assert ream.multi_dilation.fuse.in_channels == 3 * 32
    assert ream.se.fc[0].out_features == 64 // 16


@pytest.mark.parametrize('channels', [32, 48, 96])
def test_group_norm_widths_are_validated(channels):
    with pytest.raises(ValueError, match='multiple of 32'):
        REAM(channels)
