import pytest
import torch
import torch.nn as nn
from mmseg.registry import MODELS

from mmdsad.models.layers import TCFM
from mmdsad.models.layers.tcfm import SingleSampleSafeBatchNorm2d


def test_fuses_three_inputs_and_is_registered():
    tcfm = MODELS.build(dict(type='TCFM', channels=8))
    feats = [torch.randn(2, 8, 6, 5) for _ in range(3)]
    assert tcfm(*feats).shape == (2, 8, 6, 5)
    assert tcfm.topdown_1[1].out_channels == 8 // 4


def test_post_2_counted_like_post_1():
    tcfm = TCFM(16)
    count = [sum(p.numel() for p in m.parameters())
             for m in (tcfm.post_1, tcfm.post_2)]
    assert count[0] == count[1] > 0


def test_too_narrow_is_refused():
    with pytest.raises(ValueError, match='reduction'):
        TCFM(2)


def make_norms():
    torch.manual_seed(0)
    safe = SingleSampleSafeBatchNorm2d(6, momentum=0.9)
    plain = nn.BatchNorm2d(6, momentum=0.9)
    for norm in (safe, plain):
        norm.running_mean.uniform_(-1, 1)
        norm.running_var.uniform_(0.5, 2)
    plain.load_state_dict(safe.state_dict())
    return safe, plain


def test_safe_norm_is_batch_norm_for_batches_and_in_eval():
    safe, plain = make_norms()
    batch = torch.randn(4, 6, 1, 1)
    torch.testing.assert_close(safe(batch), plain(batch))
    torch.testing.assert_close(safe.running_mean, plain.running_mean)
    single = torch.randn(1, 6, 1, 1)
    torch.testing.assert_close(safe.eval()(single), plain.eval()(single))
    assert set(safe.state_dict()) == set(plain.state_dict())


def test_safe_norm_uses_running_stats_for_one_sample_in_training():
    safe, plain = make_norms()
    single = torch.randn(1, 6, 1, 1)
    with pytest.raises(ValueError, match='more than 1 value'):
        plain.train()(single)
    out = safe.train()(single)
    torch.testing.assert_close(out, plain.eval()(single))
    torch.testing.assert_close(safe.running_mean, plain.running_mean)
    assert safe.num_batches_tracked == 0
