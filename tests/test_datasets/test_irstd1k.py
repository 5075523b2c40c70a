"""IRSTD-1k read as released, through configs/_base_/datasets/irstd1k.py."""
import os.path as osp
from pathlib import Path

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS
from PIL import Image

CONFIG = 'configs/_base_/datasets/irstd1k.py'


def _build(repo_root, root, loader='train_dataloader', **kwargs):
    """The config's dataset, with its data_root pointed at ``root``."""
    init_default_scope('mmseg')
    cfg = Config.fromfile(osp.join(repo_root, CONFIG))
    dataset = cfg[loader].dataset
    dataset.update(data_root=str(root), **kwargs)
    return DATASETS.build(dataset)


def test_release_layout_loads_both_splits(repo_root, make_irstd1k_tree,
                                          tmp_path):
    root = make_irstd1k_tree(tmp_path / 'IRSTD-1k', trainval=3, test=2)
    train = _build(repo_root, root)
    test = _build(repo_root, root, 'test_dataloader')
    assert len(train) == 3 and len(test) == 2
    info = test.get_data_info(0)
    assert Path(info['img_path']) == root / 'IRSTD1k_Img' / 'XDU3.png'
    assert Path(info['seg_map_path']) == root / 'IRSTD1k_Label' / 'XDU3.png'
    sample = test[1]
    assert tuple(sample['inputs'].shape) == (3, 32, 32)
    gt = sample['data_samples'].gt_sem_seg.data
    assert set(gt.unique().tolist()) == {0, 1} and int(gt.sum()) == 4


def test_missing_label_names_the_file(repo_root, make_irstd1k_tree,
                                      tmp_path):
    root = make_irstd1k_tree(tmp_path / 'IRSTD-1k')
    (root / 'IRSTD1k_Label' / 'XDU1.png').unlink()
    with pytest.raises(FileNotFoundError) as err:
        _build(repo_root, root)
    msg = str(err.value)
    assert "'XDU1'" in msg and 'no mask file' in msg
    assert str(Path('IRSTD1k_Label') / 'XDU1.png') in msg


def test_split_id_without_image_names_the_file(repo_root, make_irstd1k_tree,
                                               tmp_path):
    root = make_irstd1k_tree(tmp_path / 'IRSTD-1k')
    (root / 'test.txt').write_text('XDU3\nXDU1000\n')
    with pytest.raises(FileNotFoundError) as err:
        _build(repo_root, root, 'test_dataloader')
    msg = str(err.value)
    assert "'XDU1000'" in msg and 'test.txt' in msg
    assert str(Path('IRSTD1k_Img') / 'XDU1000.png') in msg


def test_mis_sized_label_is_named_in_a_warning(repo_root, make_irstd1k_tree,
                                               tmp_path):
    root = make_irstd1k_tree(tmp_path / 'IRSTD-1k')
    Image.fromarray(np.zeros((64, 48), np.uint8)).save(root /
                                                       'IRSTD1k_Label' /
                                                       'XDU2.png')
    with pytest.warns(UserWarning, match='differ in size') as record:
        dataset = _build(repo_root, root)
    assert len(dataset) == 3
    msg = str(record[0].message)
    assert str(Path('IRSTD1k_Label') / 'XDU2.png') in msg
    assert '48x64' in msg and '32x32' in msg


def test_missing_split_file_is_named(repo_root, make_irstd1k_tree, tmp_path):
    root = make_irstd1k_tree(tmp_path / 'IRSTD-1k')
    (root / 'trainval.txt').unlink()
    with pytest.raises(FileNotFoundError, match=r'split file .*trainval\.txt'):
        _build(repo_root, root)
