"""IRSTD-1k, SIRST-v2, merged and cross-dataset configs: what they read,
and that they build and train on made-up trees in the releases' layouts."""
import importlib.util
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import ConcatDataset
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from mmseg.registry import DATASETS

from mmdsad.datasets import make_synthetic_sirst

NETS = ('dnanet', 'amfunet', 'dmfnet')
LEAVES = {
    'irstd1k': ('data/IRSTD-1k', 'trainval.txt', 'test.txt'),
    'sirstv2': ('data/SIRST-v2', 'splits/trainval_full.txt',
                'splits/test_full.txt'),
}
CONVERTER = 'tools/dataset_converters/sirst_v2.py'


def load(repo_root, path):
    return Config.fromfile(osp.join(repo_root, path))


@pytest.mark.parametrize('data', sorted(LEAVES))
@pytest.mark.parametrize('width', ['num16', 'num4'])
@pytest.mark.parametrize('net', NETS)
def test_leaf_is_the_nudt_network_on_its_data(repo_root, net, width, data):
    cfg = load(repo_root, f'configs/{net}/{net}_{width}_{data}.py')
    nudt = load(repo_root, f'configs/{net}/{net}_{width}_nudt.py')
    root, train_split, test_split = LEAVES[data]
    train, test = cfg.train_dataloader.dataset, cfg.test_dataloader.dataset
    assert train.type == test.type == 'SIRSTDataset'
    assert train.data_root == test.data_root == root
    assert (train.ann_file, test.ann_file) == (train_split, test_split)
    # Same network, recipe and augmentation as on NUDT-SIRST (DMFNet's
    # without the pipeline blur); only the data differ.
    assert cfg.model == nudt.model
    assert cfg.optim_wrapper == nudt.optim_wrapper
    assert cfg.get('param_scheduler') == nudt.get('param_scheduler')
    assert train.pipeline == nudt.train_dataloader.dataset.pipeline
    assert cfg.test_evaluator == nudt.test_evaluator


def test_irstd1k_reads_the_release_folders(repo_root):
    cfg = load(repo_root, 'configs/dnanet/dnanet_num16_irstd1k.py')
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[loader].dataset.data_prefix == dict(
            img_path='IRSTD1k_Img', seg_map_path='IRSTD1k_Label')


@pytest.fixture
def three_roots(tmp_path, make_irstd1k_tree):
    """Made-up NUAA-SIRST, NUDT-SIRST (common layout) and IRSTD-1k."""
    nuaa, nudt = tmp_path / 'NUAA-SIRST', tmp_path / 'NUDT-SIRST'
    make_synthetic_sirst(nuaa, num_train=2, num_test=1, image_size=(32, 32))
    make_synthetic_sirst(nudt, num_train=3, num_test=2, image_size=(32, 32))
    irstd1k = make_irstd1k_tree(tmp_path / 'IRSTD-1k', trainval=4, test=3)
    return dict(nuaa=nuaa, nudt=nudt, irstd1k=irstd1k)


def test_merged_set_concatenates_the_three_releases(repo_root, three_roots):
    cfg = load(repo_root, 'configs/dnanet/dnanet_num16_nuaa_nudt_irstd1k.py')
    init_default_scope('mmseg')
    sizes = {}
    for loader in ('train_dataloader', 'test_dataloader'):
        dataset = cfg[loader].dataset
        assert dataset.type == 'ConcatDataset'
        for part, name in zip(dataset.datasets, ('nuaa', 'nudt', 'irstd1k')):
            assert part.data_root == f'data/{three_roots[name].name}'
            part.data_root = str(three_roots[name])
        built = DATASETS.build(dataset)
        assert isinstance(built, ConcatDataset)
        sizes[loader] = [len(part) for part in built.datasets]
    assert sizes == dict(train_dataloader=[2, 3, 4], test_dataloader=[1, 2, 3])
    # The training pipeline is the shared one in every part.
    common = load(repo_root, 'configs/_base_/datasets/sirst_common.py')
    for part in cfg.train_dataloader.dataset.datasets:
        assert part.pipeline == common.train_pipeline


def test_cross_dataset_trains_on_nudt_and_tests_on_irstd1k(
        repo_root, three_roots):
    cfg = load(repo_root, 'configs/dnanet/dnanet_num16_nudt_to_irstd1k.py')
    train, test = cfg.train_dataloader.dataset, cfg.test_dataloader.dataset
    assert train.data_root == 'data/NUDT-SIRST'
    assert train.ann_file == '50_50/train.txt'
    assert test.data_root == 'data/IRSTD-1k' and test.ann_file == 'test.txt'
    assert cfg.val_dataloader.dataset == test
    init_default_scope('mmseg')
    train.data_root = str(three_roots['nudt'])
    test.data_root = str(three_roots['irstd1k'])
    assert len(DATASETS.build(train)) == 3
    test_set = DATASETS.build(test)
    assert len(test_set) == 3
    assert 'IRSTD1k_Img' in test_set.get_data_info(0)['img_path']


def _convert_sirst_v2(repo_root, src, out):
    spec = importlib.util.spec_from_file_location(
        'sirst_v2_converter_for_configs', osp.join(repo_root, CONVERTER))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.convert(str(src), str(out))


@pytest.mark.parametrize('config, data', [
    ('configs/dnanet/dnanet_num4_irstd1k.py', 'irstd1k'),
    ('configs/dmfnet/dmfnet_num4_sirstv2.py', 'sirstv2'),
])
def test_config_trains_two_iterations_on_a_made_up_release(
        repo_root, tmp_path, make_irstd1k_tree, make_sirst_v2_release, config,
        data):
    if data == 'irstd1k':
        root = make_irstd1k_tree(tmp_path / 'IRSTD-1k', trainval=4, test=2)
    else:
        # The release as published, converted as the README says; 4
        # training frames (one background frame without a mask file).
        release = make_sirst_v2_release(tmp_path / 'release')
        root = tmp_path / 'SIRST-v2'
        _convert_sirst_v2(repo_root, release, root)
    cfg = load(repo_root, config)
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].dataset.data_root = str(root)
        cfg[loader].update(num_workers=0, persistent_workers=False)
    cfg.train_dataloader.batch_size = 2
    cfg.train_cfg.update(max_epochs=1, val_interval=1)
    cfg.default_hooks.checkpoint.update(interval=1, save_best=None)
    cfg.work_dir = str(tmp_path / 'work')
    torch.manual_seed(0)
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 2
    loss = runner.message_hub.get_scalar('train/loss').current()
    assert torch.isfinite(torch.as_tensor(loss))
    assert osp.isfile(osp.join(cfg.work_dir, 'epoch_1.pth'))
    metrics = runner.test()
    assert 0 <= metrics['IoU'] <= 100 and 'Fa_1e-6' in metrics
