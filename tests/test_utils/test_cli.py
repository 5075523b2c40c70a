"""Command-line checks shared by tools/train.py and tools/test.py."""
import os.path as osp

import pytest
from mmengine.config import Config

from mmdsad.utils.cli import (
    check_option_keys,
    check_work_dir_is_free,
    set_data_root,
)

CONFIG = 'configs/demo/dnanet_num4_synthetic.py'


def test_top_level_keys_the_runner_reads_are_accepted(repo_root):
    cfg = Config.fromfile(osp.join(repo_root, CONFIG))
    check_option_keys(cfg, [
        'model_wrapper_cfg.device_ids', 'compile', 'find_unused_parameters',
        'custom_hooks', 'load_from', 'work_dir', 'runner_type',
        'model.backbone.channels'
    ])


def test_misspelt_top_level_key_names_the_closest(repo_root):
    cfg = Config.fromfile(osp.join(repo_root, CONFIG))
    with pytest.raises(KeyError, match='did you mean load_from'):
        check_option_keys(cfg, ['laod_from'])


def test_work_dir_with_checkpoints_needs_resume_or_overwrite(tmp_path):
    (tmp_path / 'iter_2.pth').write_bytes(b'earlier')
    with pytest.raises(FileExistsError, match='iter_2.pth'):
        check_work_dir_is_free(str(tmp_path), resume=False, overwrite=False)
    check_work_dir_is_free(str(tmp_path), resume=False, overwrite=True)
    check_work_dir_is_free(str(tmp_path / 'new'), False, False)


def test_resume_needs_a_last_checkpoint(tmp_path):
    with pytest.raises(FileNotFoundError, match='no last_checkpoint'):
        check_work_dir_is_free(str(tmp_path), resume=True, overwrite=False)
    (tmp_path / 'last_checkpoint').write_text('iter_2.pth')
    check_work_dir_is_free(str(tmp_path), resume=True, overwrite=False)


def test_data_root_refuses_a_merged_dataset(repo_root, tmp_path):
    cfg = Config.fromfile(
        osp.join(repo_root,
                 'configs/dnanet/dnanet_num16_nuaa_nudt_irstd1k.py'))
    with pytest.raises(ValueError) as err:
        set_data_root(cfg, str(tmp_path))
    msg = str(err.value)
    assert 'train_dataloader' in msg and '3 datasets' in msg
    assert 'train_dataloader.dataset.datasets.0.data_root' in msg


def test_data_root_replaces_every_single_dataset_root(repo_root, tmp_path):
    cfg = Config.fromfile(
        osp.join(repo_root, 'configs/dnanet/dnanet_num4_irstd1k.py'))
    set_data_root(cfg, str(tmp_path))
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[name].dataset.data_root == str(tmp_path)
