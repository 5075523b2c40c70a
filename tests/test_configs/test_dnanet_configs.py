"""The DNANet configs build a working mmseg model with the paper's size."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

from mmdsad.analysis import count_complexity

DNANET_CONFIGS = [
    f'configs/dnanet/dnanet_{width}_{data}.py' for width in ('num16', 'num4')
    for data in ('nudt', 'sirst')
]
# Paper (DSAD Table 1): parameters and MACs at 1x3x256x256.
PAPER_COMPLEXITY = {
    'num16': dict(params=4.70e6, flops=14.19e9),
    'num4': dict(params=0.30e6, flops=0.97e9),
}
TOLERANCE = 0.015


def load(repo_root, path):
    return Config.fromfile(osp.join(repo_root, path))


@pytest.mark.parametrize('path', DNANET_CONFIGS)
def test_config_loads_plugin_and_sirst_data(repo_root, path):
    cfg = load(repo_root, path)
    assert cfg.custom_imports.imports == ['mmdsad']
    assert cfg.train_dataloader.dataset.type == 'SIRSTDataset'
    assert cfg.train_dataloader.dataset.ann_file == '50_50/train.txt'
    assert cfg.test_dataloader.dataset.ann_file == '50_50/test.txt'
    assert cfg.val_evaluator.type == 'IRSTDMetric'
    assert cfg.optim_wrapper.optimizer == dict(type='Adagrad', lr=0.05)


@pytest.mark.parametrize('width', ['num16', 'num4'])
def test_params_and_flops_match_paper(repo_root, width):
    cfg = load(repo_root, f'configs/dnanet/dnanet_{width}_nudt.py')
    counts = count_complexity(cfg, (3, 256, 256))
    for key, paper in PAPER_COMPLEXITY[width].items():
        assert abs(counts[key] - paper) / paper < TOLERANCE, (key, counts)


def test_predicts_binary_mask_at_original_odd_size(repo_root):
    cfg = load(repo_root, 'configs/dnanet/dnanet_num4_sirst.py')
    init_default_scope('mmseg')
    model = MODELS.build(cfg.model).eval()
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
