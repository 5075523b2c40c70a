"""The DMFNet configs build a working mmseg model with the paper's size."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

from mmdsad.analysis import count_complexity

DMFNET_CONFIGS = [
    f'configs/dmfnet/dmfnet_{width}_{data}.py' for width in ('num16', 'num4')
    for data in ('nudt', 'sirst')
]
DSA_CONFIGS = [
    f'configs/dmfnet/dmfnet_{width}_dsa_nudt.py'
    for width in ('num16', 'num4')
]
# Paper (DSAD Table 1): parameters and MACs at 1x3x256x256.
PAPER_COMPLEXITY = {
    'num16': dict(params=11.11e6, flops=40.21e9),
    'num4': dict(params=0.70e6, flops=2.62e9),
}
# docs/networks.md's probe of the reference code, printed to 100 parameters.
REFERENCE_PARAMS = {'num16': 11.1141e6, 'num4': 0.7017e6}
PRINTED_PRECISION = 50
PAPER_INPUT = (3, 256, 256)
TOLERANCE = 0.015
# Every layer's MACs scale with H x W (the pooled 1x1 branches excepted, a
# few hundred MACs), so relative costs are measured on a small input.
SMALL_INPUT = (3, 32, 32)
# "+DSA" (Table 5): at most +0.01 M parameters, FLOPs equal or lower; we
# allow 0.02 M and 1.5 % (DSA's dense 7x7 pair convolution, 196 counted
# MACs/pixel: measured +0.07 % at num16, +1.14 % at num4).
DSA_MAX_EXTRA_PARAMS = 0.02e6
DSA_MAX_EXTRA_FLOPS = 0.015


def load(repo_root, path):
    return Config.fromfile(osp.join(repo_root, path))


@pytest.fixture(scope='module')
def complexity(repo_root):
    """Counts per (config, input shape), computed once."""
    cache = {}

    def count(path, input_shape=PAPER_INPUT):
        key = (path, input_shape)
        if key not in cache:
            cache[key] = count_complexity(load(repo_root, path), input_shape)
        return cache[key]

    return count


@pytest.mark.parametrize('path', DMFNET_CONFIGS + DSA_CONFIGS)
def test_config_has_dmfnet_recipe(repo_root, path):
    cfg = load(repo_root, path)
    assert cfg.custom_imports.imports == ['mmdsad']
    assert cfg.train_dataloader.dataset.type == 'SIRSTDataset'
    assert cfg.train_dataloader.batch_size == 16
    assert cfg.val_evaluator.type == 'IRSTDMetric'
    assert cfg.optim_wrapper.optimizer == dict(type='Adagrad', lr=0.01)
    (scheduler, ) = cfg.param_scheduler
    assert scheduler.type == 'CosineAnnealingLR'
    assert scheduler.eta_min == 1e-5 and scheduler.T_max == 1500
    assert cfg.train_cfg.max_epochs == 1500
    assert cfg.model.backbone.type == 'DMFNet'
    assert cfg.model.backbone.train_blur == dict(
        type='RandomBatchGaussianBlur', sigma_range=(0.0, 1.0))
    # The network blurs the first view; the pipeline must not blur both.
    steps = [t.type for t in cfg.train_dataloader.dataset.pipeline]
    assert 'RandomGaussianBlur' not in steps
    assert 'RandomCrop' in steps and 'RandomFlip' in steps


@pytest.mark.parametrize('width', ['num16', 'num4'])
def test_params_and_flops_match_paper(complexity, width):
    counts = complexity(f'configs/dmfnet/dmfnet_{width}_nudt.py')
    for key, paper in PAPER_COMPLEXITY[width].items():
        assert abs(counts[key] - paper) / paper < TOLERANCE, (key, counts)
    probe_error = abs(counts['params'] - REFERENCE_PARAMS[width])
    assert probe_error <= PRINTED_PRECISION, counts


@pytest.mark.parametrize('width', ['num16', 'num4'])
def test_dsa_variant_costs_almost_nothing(repo_root, complexity, width):
    cfg = load(repo_root, f'configs/dmfnet/dmfnet_{width}_dsa_nudt.py')
    assert cfg.model.backbone.spatial_attention == dict(
        type='DSA', learnable=True)
    plain = complexity(f'configs/dmfnet/dmfnet_{width}_nudt.py', SMALL_INPUT)
    with_dsa = complexity(f'configs/dmfnet/dmfnet_{width}_dsa_nudt.py',
                          SMALL_INPUT)
    extra_params = with_dsa['params'] - plain['params']
    assert 0 < extra_params <= DSA_MAX_EXTRA_PARAMS
    extra_flops = (with_dsa['flops'] - plain['flops']) / plain['flops']
    assert 0 <= extra_flops <= DSA_MAX_EXTRA_FLOPS


def build(repo_root, path):
    init_default_scope('mmseg')
    return MODELS.build(load(repo_root, path).model)


def test_predicts_binary_mask_at_original_odd_size(repo_root):
    model = build(repo_root, 'configs/dmfnet/dmfnet_num4_sirst.py').eval()
    height, width = 75, 101  # padded to 80 x 112 inside, cropped back
    image = torch.randint(0, 255, (3, height, width), dtype=torch.uint8)
    sample = SegDataSample(
        metainfo=dict(ori_shape=(height, width), img_shape=(height, width)))
    with torch.no_grad():
        result = model.test_step(
            dict(inputs=[image], data_samples=[sample]))[0]
    pred = result.pred_sem_seg.data
    assert pred.shape == (1, height, width)
    assert set(pred.unique().tolist()) <= {0, 1}
    prob = result.seg_logits.data
    assert ((prob >= 0) & (prob <= 1)).all()
    torch.testing.assert_close(pred, (prob > 0.5).to(pred.dtype))


def test_train_step_with_batch_size_one(repo_root):
    # TCFM's pooled BatchNorms fall back to running statistics for a single
    # sample instead of raising (see DMFNet's docstring).
    model = build(repo_root, 'configs/dmfnet/dmfnet_num4_nudt.py').train()
    image = torch.randint(0, 255, (3, 32, 32), dtype=torch.uint8)
    mask = torch.zeros(1, 32, 32, dtype=torch.long)
    mask[0, 8:11, 8:11] = 1
    sample = SegDataSample(
        metainfo=dict(ori_shape=(32, 32), img_shape=(32, 32)),
        gt_sem_seg=PixelData(data=mask))
    data = model.data_preprocessor(
        dict(inputs=[image], data_samples=[sample]), training=True)
    losses = model.loss(data['inputs'], data['data_samples'])
    assert torch.isfinite(losses['decode.loss_softiou'])
    losses['decode.loss_softiou'].backward()
