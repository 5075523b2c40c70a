import importlib.util
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from mmdsad.datasets import SIRSTDataset, make_synthetic_sirst

CLI = Path(__file__).parents[2] / 'tools' / 'misc' / 'make_synthetic_sirst.py'


def _read(path):
    with Image.open(path) as img:
        return img.mode, np.array(img)


def test_layout_and_formats(tmp_path):
    info = make_synthetic_sirst(tmp_path, num_train=6, num_test=3,
                                image_size=(48, 64))
    root = Path(info['data_root'])
    assert info['train_ids'] == [f'{i:06d}' for i in range(1, 7)]
    assert info['test_ids'] == ['000007', '000008', '000009']
    assert (root / '50_50' / 'train.txt').read_text().split() == \
        info['train_ids']
    assert (root / '50_50' / 'test.txt').read_text().split() == \
        info['test_ids']
    for img_id in info['train_ids'] + info['test_ids']:
        mode, img = _read(root / 'images' / f'{img_id}.png')
        assert mode == 'L' and img.shape == (48, 64)
        mode, mask = _read(root / 'masks' / f'{img_id}.png')
        assert mode == 'L' and mask.shape == (48, 64)
        assert set(np.unique(mask)) <= {0, 255}
    # The output is a valid dataset for both splits.
    assert len(SIRSTDataset(data_root=str(root),
                            ann_file='50_50/test.txt')) == 3


def test_deterministic_per_seed_and_frame(tmp_path):
    a = make_synthetic_sirst(tmp_path / 'a', num_train=4, num_test=2,
                             image_size=(32, 32), seed=3)
    b = make_synthetic_sirst(tmp_path / 'b', num_train=4, num_test=2,
                             image_size=(32, 32), seed=3)
    c = make_synthetic_sirst(tmp_path / 'c', num_train=4, num_test=2,
                             image_size=(32, 32), seed=4)
    # More test frames must not change the training frames.
    d = make_synthetic_sirst(tmp_path / 'd', num_train=4, num_test=5,
                             image_size=(32, 32), seed=3)
    for img_id in a['train_ids']:
        name = Path('images') / f'{img_id}.png'
        ref = _read(Path(a['data_root']) / name)[1]
        np.testing.assert_array_equal(ref, _read(Path(b['data_root']) /
                                                 name)[1])
        np.testing.assert_array_equal(ref, _read(Path(d['data_root']) /
                                                 name)[1])
    assert any(
        not np.array_equal(
            _read(Path(a['data_root']) / 'images' / f'{i}.png')[1],
            _read(Path(c['data_root']) / 'images' / f'{i}.png')[1])
        for i in a['train_ids'])


def _local_contrast(img):
    """Each pixel above the median of its 9x9 neighbourhood."""
    background = cv2.medianBlur(img.astype(np.uint8), 9).astype(float)
    return img.astype(float) - background


def test_targets_small_varied_often_dim_and_mostly_present(tmp_path):
    info = make_synthetic_sirst(tmp_path, num_train=48, num_test=16)
    root = Path(info['data_root'])
    with_target, areas, peaks = 0, [], []
    for img_id in info['train_ids'] + info['test_ids']:
        img = _read(root / 'images' / f'{img_id}.png')[1]
        mask = _read(root / 'masks' / f'{img_id}.png')[1] > 0
        if not mask.any():
            continue
        with_target += 1
        num, labels, stats, _ = cv2.connectedComponentsWithStats(
            mask.astype(np.uint8))
        areas.extend(stats[1:, cv2.CC_STAT_AREA].tolist())
        contrast = _local_contrast(img)
        peaks.extend(contrast[labels == k].max() for k in range(1, num))
    assert with_target >= 0.85 * 64
    assert info['num_targets'] >= with_target
    # Radius 1-4.5 px: single targets cover at most ~65 px (merged more).
    assert np.median(areas) <= 65 and min(areas) >= 1
    assert max(areas) >= 4 * min(areas)
    # Peaks from near the noise floor (a few grey levels) to clear.
    assert np.mean(np.array(peaks) < 25) > 0.3
    assert np.max(peaks) > 50


def test_clutter_outside_the_masks_competes_with_targets(tmp_path):
    info = make_synthetic_sirst(tmp_path, num_train=32, num_test=8)
    root = Path(info['data_root'])
    competing = 0
    for img_id in info['train_ids'] + info['test_ids']:
        img = _read(root / 'images' / f'{img_id}.png')[1]
        mask = _read(root / 'masks' / f'{img_id}.png')[1] > 0
        if not mask.any():
            continue
        contrast = _local_contrast(img)
        # Away from the targets (their blur spreads past the mask).
        far = cv2.dilate(mask.astype(np.uint8), np.ones((9, 9))) == 0
        competing += int(contrast[far].max() > contrast[mask].min())
    # Most frames hold something outside the masks that stands out more
    # than the frame's dimmest target pixel: a threshold cannot separate.
    assert competing >= 0.7 * 40


@pytest.mark.parametrize('kwargs', [
    dict(num_train=0),
    dict(num_test=0),
    dict(image_size=(8, 64)),
    dict(image_size=(64, )),
    dict(max_targets=0),
    dict(empty_prob=1.5),
])
def test_bad_args(tmp_path, kwargs):
    with pytest.raises(ValueError):
        make_synthetic_sirst(tmp_path, **kwargs)


def test_cli(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location('make_synthetic_cli', CLI)
    cli = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cli)
    out_dir = tmp_path / 'synthetic'
    cli.main([str(out_dir), '--num-train', '3', '--num-test', '2',
              '--size', '40', '56', '--seed', '1'])
    printed = capsys.readouterr().out
    assert 'Wrote 3 train + 2 test frames of 56x40' in printed
    assert 'train.txt' in printed and 'test.txt' in printed
    assert len(list((out_dir / 'images').glob('*.png'))) == 5
    assert _read(out_dir / 'images' / '000001.png')[1].shape == (40, 56)
    with pytest.raises(SystemExit):
        cli.main([str(out_dir), '--size', '1', '2', '3'])
