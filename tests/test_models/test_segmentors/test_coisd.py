"""COISD (FDEP's CO-ISD) around DNANet num4 with a tiny random DINOv2."""
import pytest
import torch
from mmengine.config import Config, ConfigDict
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

from mmdsad.utils.weights_only import convert_to_weights_only

FDEP_CONFIG = 'configs/fdep/fdep_dnanet_num4_nudt.py'
PLAIN_CONFIG = 'configs/dnanet/dnanet_num4_nudt.py'
SIZE = 32


def fdep_cfg(repo_root, dinov2_snapshot, **model):
    cfg = Config.fromfile(f'{repo_root}/{FDEP_CONFIG}')
    cfg.model.vfm.snapshot_dir = dinov2_snapshot
    cfg.model.update(model)
    return cfg


def build(cfg):
    init_default_scope('mmseg')
    torch.manual_seed(0)
    model = MODELS.build(ConfigDict(cfg.model))
    model.init_weights()
    return model


def batch(seed=0, num=2):
    """Raw uint8 images and masks as the dataloader gives them."""
    generator = torch.Generator().manual_seed(seed)
    inputs, samples = [], []
    for _ in range(num):
        image = torch.randint(0, 60, (3, SIZE, SIZE), generator=generator)
        mask = torch.zeros(1, SIZE, SIZE, dtype=torch.long)
        row, col = torch.randint(4, SIZE - 6, (2, ), generator=generator)
        mask[:, row:row + 3, col:col + 3] = 1
        image[:, row:row + 3, col:col + 3] = 250
        sample = SegDataSample(gt_sem_seg=PixelData(data=mask))
        sample.set_metainfo(
            dict(img_shape=(SIZE, SIZE), ori_shape=(SIZE, SIZE),
                 pad_shape=(SIZE, SIZE)))
        inputs.append(image.to(torch.uint8))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


@pytest.fixture
def fdep(repo_root, dinov2_snapshot):
    cfg = fdep_cfg(repo_root, dinov2_snapshot)
    return cfg, build(cfg)


def test_vfm_is_frozen_after_a_real_optimizer_step(fdep):
    cfg, model = fdep
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    optimized = {
        id(p)
        for group in optim_wrapper.optimizer.param_groups
        for p in group['params']
    }
    assert not optimized & {id(p) for p in model.vfm.parameters()}
    vfm_before = {k: v.clone() for k, v in model.vfm.state_dict().items()}
    samf_before = [p.clone() for p in model.samf.parameters()]
    model.train()
    log = model.train_step(batch(), optim_wrapper)
    assert {'main.decode.loss_softiou', 'light.decode.loss_softiou'} <= set(
        log)
    assert not model.vfm.training
    for key, value in model.vfm.state_dict().items():
        assert torch.equal(value, vfm_before[key]), key
    assert any(not torch.equal(p, q)
               for p, q in zip(model.samf.parameters(), samf_before))


def test_checkpoint_holds_no_vfm(fdep):
    _, model = fdep
    prefixes = {key.split('.')[0] for key in model.state_dict()}
    assert prefixes == {'architecture', 'samf'}
    assert len(model.samf) == 4


def test_samf_gets_gradients_and_both_losses_reach_shared_weights(
        repo_root, dinov2_snapshot):
    cfg = fdep_cfg(
        repo_root, dinov2_snapshot, main_weight=2.0, light_weight=0.5)
    model = build(cfg)
    model.train()
    data = model.data_preprocessor(batch(), True)
    losses = model(data['inputs'], data['data_samples'], mode='loss')
    total, _ = model.parse_losses(losses)
    shared = [model.architecture.backbone.conv0_0[0].conv1.weight,
              model.architecture.decode_head.conv0_4_final.conv1.weight]
    samf_params = list(model.samf.parameters())
    grads = torch.autograd.grad(total, shared + samf_params,
                                retain_graph=True)
    assert all(g.abs().sum() > 0 for g in grads[len(shared):])
    main = torch.autograd.grad(losses['main.decode.loss_softiou'], shared,
                               retain_graph=True)
    light = torch.autograd.grad(losses['light.decode.loss_softiou'], shared)
    for total_grad, main_grad, light_grad in zip(grads, main, light):
        assert main_grad.abs().sum() > 0 and light_grad.abs().sum() > 0
        assert not torch.allclose(main_grad, light_grad)
        torch.testing.assert_close(total_grad, main_grad + light_grad)
    # The branch losses carry their weights: 2 x and 0.5 x SoftIoU.
    plain = model.architecture.loss(data['inputs'], data['data_samples'])
    torch.testing.assert_close(losses['light.decode.loss_softiou'],
                               0.5 * plain['decode.loss_softiou'])


def test_light_branch_is_the_plain_network_main_branch_differs(
        repo_root, fdep):
    _, model = fdep
    init_default_scope('mmseg')
    plain = MODELS.build(
        ConfigDict(Config.fromfile(f'{repo_root}/{PLAIN_CONFIG}').model))
    plain.load_state_dict(model.architecture.state_dict(), strict=True)
    model.eval()
    plain.eval()
    data = model.data_preprocessor(batch(seed=1), False)
    with torch.no_grad():
        # DNANet's head returns its four deep-supervision logit maps.
        light = model(data['inputs'], mode='tensor')
        reference = plain(data['inputs'], mode='tensor')
        with model.main_branch(data['inputs']):
            main = model.architecture(data['inputs'], mode='tensor')
    assert len(light) == len(reference) == len(main) == 4
    for light_map, plain_map in zip(light, reference):
        assert torch.equal(light_map, plain_map)
    # Only the last map (the one evaluated) sees the bottleneck conv4_0;
    # the shallower outputs x0_1..x0_3 do not depend on it.
    assert not torch.allclose(main[-1], light[-1])
    assert torch.equal(main[0], light[0])


def test_export_loads_strictly_into_the_plain_config(repo_root, fdep,
                                                     tmp_path):
    cfg, model = fdep
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    model.train()
    model.train_step(batch(), optim_wrapper)
    fdep_ckpt = str(tmp_path / 'fdep.pth')
    torch.save(dict(state_dict=model.state_dict(), meta={}), fdep_ckpt)
    exported = str(tmp_path / 'plain.pth')
    convert_to_weights_only(fdep_ckpt, exported, 'architecture.')
    state = torch.load(exported, weights_only=True)['state_dict']
    assert not any(k.startswith(('samf', 'vfm')) for k in state)
    init_default_scope('mmseg')
    plain = MODELS.build(
        ConfigDict(Config.fromfile(f'{repo_root}/{PLAIN_CONFIG}').model))
    load_checkpoint(plain, exported, map_location='cpu', strict=True)
    model.eval()
    plain.eval()
    data = batch(seed=2)
    with torch.no_grad():
        fdep_out = model.test_step(data)
        plain_out = plain.test_step(batch(seed=2))
    for ours, theirs in zip(fdep_out, plain_out):
        assert torch.equal(ours.seg_logits.data, theirs.seg_logits.data)
        assert torch.equal(ours.pred_sem_seg.data, theirs.pred_sem_seg.data)


def test_wrong_fusion_point_lists_closest_names(repo_root, dinov2_snapshot):
    cfg = fdep_cfg(repo_root, dinov2_snapshot, fusion_point='backbone.conv4_O')
    with pytest.raises(ValueError) as error:
        build(cfg)
    assert "'backbone.conv4_0'" in str(error.value)
    assert 'model.fusion_point' in str(error.value)


def test_parameter_is_not_a_fusion_point(repo_root, dinov2_snapshot):
    cfg = fdep_cfg(
        repo_root,
        dinov2_snapshot,
        fusion_point='backbone.conv4_0.0.conv1.weight')
    with pytest.raises(ValueError, match='is not a module'):
        build(cfg)


def test_fusion_point_width_must_match_samf(repo_root, dinov2_snapshot):
    cfg = fdep_cfg(
        repo_root, dinov2_snapshot, samf=dict(type='SAMF', channels=32))
    model = build(cfg)
    data = model.data_preprocessor(batch(), True)
    with pytest.raises(ValueError, match=r'model.samf.channels=64'):
        model(data['inputs'], data['data_samples'], mode='loss')


def test_fusion_point_must_output_a_feature_map(repo_root, dinov2_snapshot):
    cfg = fdep_cfg(repo_root, dinov2_snapshot, fusion_point='backbone')
    model = build(cfg)
    data = model.data_preprocessor(batch(), True)
    with pytest.raises(TypeError, match='outputs tuple'):
        model(data['inputs'], data['data_samples'], mode='loss')
