"""FDEP configs: COISD around each plain network, fusion points that work,
deploy complexity equal to the plain network's."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config, ConfigDict
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

from mmdsad.analysis import count_complexity

PLAIN = {
    'fdep_unet_nudt': 'unet/unet_nudt',
    'fdep_dnanet_num4_tiny_vfm_synthetic': 'demo/dnanet_num4_synthetic',
}


def fdep_configs(repo_root):
    return sorted(glob.glob(osp.join(repo_root, 'configs/fdep/*.py')))


def plain_config(repo_root, fdep_path):
    name = osp.splitext(osp.basename(fdep_path))[0]
    plain = PLAIN.get(name)
    if plain is None:  # fdep_<net>_<width>_<data> -> <net>/<net>_<width>_..
        plain = f"{name.split('_')[1]}/{name[len('fdep_'):]}"
    return osp.join(repo_root, 'configs', plain + '.py')


def test_all_networks_and_datasets_have_fdep_configs(repo_root):
    names = {osp.basename(p) for p in fdep_configs(repo_root)}
    for net in ('dnanet', 'amfunet', 'dmfnet'):
        for width in (16, 4):
            for data in ('nudt', 'sirst'):
                assert f'fdep_{net}_num{width}_{data}.py' in names
    assert 'fdep_unet_nudt.py' in names


def test_architecture_is_the_plain_config_model(repo_root):
    for path in fdep_configs(repo_root):
        cfg = Config.fromfile(path)
        plain = Config.fromfile(plain_config(repo_root, path))
        assert cfg.model.type == 'COISD', path
        assert cfg.model.architecture == plain.model, path
        assert cfg.train_dataloader == plain.train_dataloader, path
        assert cfg.test_evaluator.hse is True, path


@pytest.mark.parametrize('name', [
    'fdep_dnanet_num4_nudt', 'fdep_amfunet_num4_nudt',
    'fdep_dmfnet_num4_nudt', 'fdep_unet_nudt'
])
def test_fusion_point_works_for_each_network(repo_root, dinov2_snapshot, name):
    cfg = Config.fromfile(osp.join(repo_root, 'configs/fdep', name + '.py'))
    cfg.model.vfm.snapshot_dir = dinov2_snapshot
    init_default_scope('mmseg')
    model = MODELS.build(ConfigDict(cfg.model))
    model.train()
    samples = []
    for _ in range(2):
        sample = SegDataSample(
            gt_sem_seg=PixelData(data=(torch.rand(1, 64, 64) > 0.97).long()))
        sample.set_metainfo(
            dict(img_shape=(64, 64), ori_shape=(64, 64), pad_shape=(64, 64)))
        samples.append(sample)
    losses = model(torch.randn(2, 3, 64, 64), samples, mode='loss')
    assert {'main.decode.loss_softiou', 'light.decode.loss_softiou'} <= set(
        losses)
    assert losses['main.decode.loss_softiou'] != losses[
        'light.decode.loss_softiou']


@pytest.mark.parametrize('name', ['fdep_dnanet_num4_nudt', 'fdep_unet_nudt'])
def test_deploy_complexity_is_the_plain_networks(repo_root, name):
    path = osp.join(repo_root, 'configs/fdep', name + '.py')
    fdep = count_complexity(Config.fromfile(path), (3, 64, 64))
    plain = count_complexity(
        Config.fromfile(plain_config(repo_root, path)), (3, 64, 64))
    assert fdep == plain
    assert fdep['params'] > 0 and fdep['flops'] > 0
