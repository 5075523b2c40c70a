import pytest
import torch

from mmdsad.models.backbones import DMFNet
from mmdsad.models.backbones.dmfnet import NUM16_CHANNELS
from mmdsad.models.layers import DSA, TCFM, RandomBatchGaussianBlur
from mmdsad.models.layers.batch_gaussian_blur import gaussian_blur_per_sample

# The student width num4 (docs/networks.md §1).
NUM4_CHANNELS = (4, 8, 16, 32, 64)

ENCODER_1 = [f'layer_{k}' for k in range(4)]
ENCODER_2 = [f'layer_{k}_0' for k in range(4)]
DECODER = [f'layer_{k}_1' for k in range(4)]
FUSIONS = [f'fuse_{k}' for k in range(4)]


def num_params(module):
    return sum(p.numel() for p in module.parameters())


def record_outputs(model, names):
    outputs = {}
    for name in names:
        getattr(model, name).register_forward_hook(
            lambda _m, _i, out, name=name: outputs.__setitem__(name, out))
    return outputs


def record_inputs(model, names):
    inputs = {}
    for name in names:
        getattr(model, name).register_forward_pre_hook(
            lambda _m, args, name=name: inputs.__setitem__(
                name, args[0].clone()))
    return inputs


def twin_backbones(**kwargs):
    """Two num4 backbones with equal weights, the second without blur."""
    torch.manual_seed(0)
    first = DMFNet(channels=NUM4_CHANNELS, **kwargs)
    first.init_weights()
    second = DMFNet(channels=NUM4_CHANNELS, train_blur=None)
    second.load_state_dict(first.state_dict())
    return first, second


def test_output_and_feature_shapes_num4():
    backbone = DMFNet(channels=NUM4_CHANNELS).eval()
    names = ENCODER_1 + ENCODER_2 + DECODER + FUSIONS + [
        'layer_4_0', 'mul_scales'
    ]
    features = record_outputs(backbone, names)
    with torch.no_grad():
        outs = backbone(torch.randn(2, 3, 64, 48))
    # y_0..y_3 (TCFM + decoder), then REAM's output at 1/8.
    assert [tuple(o.shape[1:]) for o in outs] == [(4, 64, 48), (8, 64, 48),
                                                  (16, 32, 24), (32, 16, 12),
                                                  (64, 8, 6)]
    sizes = [(64, 48), (64, 48), (32, 24), (16, 12)]
    for k, (width, size) in enumerate(zip(NUM4_CHANNELS, sizes)):
        for name in (f'layer_{k}', f'layer_{k}_0', f'layer_{k}_1',
                     f'fuse_{k}'):
            assert features[name].shape == (2, width, *size), name
    assert features['layer_4_0'].shape == (2, 64, 8, 6)
    assert features['mul_scales'].shape == (2, 64, 8, 6)


def test_modules_named_as_reference():
    names = set(dict(DMFNet(channels=NUM4_CHANNELS).named_children()))
    assert names == set(ENCODER_1 + ENCODER_2 + DECODER + FUSIONS +
                        ['layer_4_0', 'mul_scales', 'train_blur'])


def test_train_blur_is_a_module_built_from_config():
    default = DMFNet(channels=NUM4_CHANNELS)
    assert isinstance(default.train_blur, RandomBatchGaussianBlur)
    assert default.train_blur.sigma_range == (0.0, 1.0)
    # ``type`` may be left out: it defaults to the per-sample blur.
    typeless = DMFNet(
        channels=NUM4_CHANNELS, train_blur=dict(sigma_range=(0.5, 1.0)))
    assert typeless.train_blur.sigma_range == (0.5, 1.0)
    assert DMFNet(channels=NUM4_CHANNELS, train_blur=None).train_blur is None
    # The blur holds no state: checkpoints load either way.
    assert list(default.state_dict()) == list(
        DMFNet(channels=NUM4_CHANNELS, train_blur=None).state_dict())


def test_first_encoder_sees_the_blur_modules_output_in_training():
    backbone = DMFNet(
        channels=NUM4_CHANNELS, train_blur=dict(sigma_range=(0.2, 0.9)))
    inputs = record_inputs(backbone, ['layer_0'])
    x = torch.randn(3, 3, 32, 32)
    torch.manual_seed(3)
    backbone.train()(x)
    torch.manual_seed(3)
    sigmas = 0.2 + 0.7 * torch.rand(3)
    torch.testing.assert_close(
        inputs['layer_0'], gaussian_blur_per_sample(x, sigmas), rtol=0,
        atol=0)


@pytest.mark.parametrize('stage,in_channels,blocks', [
    ('layer_0', 3, 1), ('layer_1_0', 4, 2), ('layer_4_0', 2 * 32, 2),
    ('layer_3_1', 64 + 2 * 32, 2), ('layer_0_1', 8 + 2 * 4, 1)
])
def test_stage_inputs_and_depths(stage, in_channels, blocks):
    module = getattr(DMFNet(channels=NUM4_CHANNELS), stage)
    assert module[0].conv1.in_channels == in_channels
    assert len(module) == blocks


def test_eval_output_does_not_depend_on_train_blur():
    blurred, plain = twin_backbones(
        train_blur=dict(sigma_range=(0.5, 1.0)))
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        for a, b in zip(blurred.eval()(x), plain.eval()(x)):
            torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_blur_reaches_only_first_encoder_in_training():
    backbone = DMFNet(
        channels=NUM4_CHANNELS, train_blur=dict(sigma_range=(0.5, 1.0)))
    inputs = record_inputs(backbone, ['layer_0', 'layer_0_0'])
    x = torch.randn(2, 3, 32, 32)
    backbone.train()(x)
    # Reference: the blurred crop is `input` (layer_*), the clean one
    # `input_1` (layer_*_0).
    torch.testing.assert_close(inputs['layer_0_0'], x, rtol=0, atol=0)
    assert not torch.allclose(inputs['layer_0'], x)
    backbone.eval()(x)
    torch.testing.assert_close(inputs['layer_0'], x, rtol=0, atol=0)


def test_blur_off_gives_both_encoders_the_image_in_training():
    backbone = DMFNet(channels=NUM4_CHANNELS, train_blur=None)
    inputs = record_inputs(backbone, ['layer_0', 'layer_0_0'])
    x = torch.randn(2, 3, 32, 32)
    backbone.train()(x)
    torch.testing.assert_close(inputs['layer_0'], x, rtol=0, atol=0)
    torch.testing.assert_close(inputs['layer_0_0'], x, rtol=0, atol=0)


def test_blur_is_deterministic_given_the_seed():
    backbone = DMFNet(channels=NUM4_CHANNELS).train()
    inputs = record_inputs(backbone, ['layer_0'])
    x = torch.randn(3, 3, 32, 32)
    draws = []
    for _ in range(2):
        torch.manual_seed(7)
        backbone(x)
        draws.append(inputs['layer_0'])
    torch.testing.assert_close(draws[0], draws[1], rtol=0, atol=0)


def test_train_blur_config_is_validated():
    with pytest.raises(TypeError, match='sigma'):
        DMFNet(channels=NUM4_CHANNELS, train_blur=dict(sigma=1.0))
    with pytest.raises(ValueError, match='low <= high'):
        DMFNet(
            channels=NUM4_CHANNELS, train_blur=dict(sigma_range=(1.0, 0.5)))


def test_trains_with_batch_size_one():
    backbone = DMFNet(channels=NUM4_CHANNELS).train()
    norm = backbone.fuse_0.topdown_1[2]
    before = (norm.running_mean.clone(), norm.num_batches_tracked.clone())
    outs = backbone(torch.randn(1, 3, 32, 32))
    sum(o.sum() for o in outs).backward()
    # The lone pooled sample is normalised with, not into, the statistics.
    torch.testing.assert_close(norm.running_mean, before[0])
    assert norm.num_batches_tracked == before[1]
    assert norm.weight.grad is not None
    backbone(torch.randn(2, 3, 32, 32))
    assert norm.num_batches_tracked == before[1] + 1


def test_unused_post_2_is_kept_but_gets_no_gradient():
    backbone = DMFNet(channels=NUM4_CHANNELS).train()
    outs = backbone(torch.randn(2, 3, 32, 32))
    sum(o.sum() for o in outs).backward()
    assert all(p.grad is None for p in backbone.fuse_0.post_2.parameters())
    assert backbone.fuse_0.post_1[0].weight.grad is not None


@pytest.mark.parametrize('channels', [(4, 8, 16, 32, 32),
                                      (4, 8, 16, 32, 96)])
def test_widths_too_narrow_for_ream_group_norm_are_refused(channels):
    with pytest.raises(ValueError, match=r'DMFNet.*GroupNorm\(32'):
        DMFNet(channels=channels)


def test_bad_level_counts_are_refused():
    with pytest.raises(ValueError, match='5 channel widths'):
        DMFNet(channels=(4, 8, 16, 64))
    with pytest.raises(ValueError, match='4 block counts'):
        DMFNet(channels=NUM16_CHANNELS, num_blocks=(2, 2))


def test_spatial_attention_reweights_every_tcfm():
    plain = DMFNet(channels=NUM4_CHANNELS)
    with_dsa = DMFNet(
        channels=NUM4_CHANNELS,
        spatial_attention=dict(type='DSA', learnable=True))
    for name in FUSIONS:
        fusion = getattr(with_dsa, name)
        assert isinstance(fusion, TCFM) and isinstance(fusion.sa, DSA)
        assert getattr(plain, name).sa is None
    # Four learnable 3x3 base kernels.
    assert num_params(with_dsa) - num_params(plain) == 4 * 9
    outs = with_dsa.eval()(torch.randn(1, 3, 32, 32))
    assert outs[0].shape == (1, 4, 32, 32)
