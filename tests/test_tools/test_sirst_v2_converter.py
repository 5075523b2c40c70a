"""tools/dataset_converters/sirst_v2.py on made-up SIRST-v2 releases."""
import importlib.util
import os.path as osp
import sys

import numpy as np
import pytest
from mmengine.registry import init_default_scope
from PIL import Image

from mmdsad.datasets import SIRSTDataset

SCRIPT = 'tools/dataset_converters/sirst_v2.py'
PIPELINE = [
    dict(type='LoadIRImageFromFile'),
    dict(type='LoadBinaryAnnotations'),
    dict(type='PackSegInputs'),
]


@pytest.fixture(scope='module')
def converter(repo_root):
    # Registered in sys.modules so worker processes can unpickle its
    # functions (the --nproc path).
    name = 'sirst_v2_converter_under_test'
    spec = importlib.util.spec_from_file_location(
        name, osp.join(repo_root, SCRIPT))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(name, None)


def _mask(path):
    return np.array(Image.open(path))


def test_converts_to_the_common_layout(converter, make_sirst_v2_release,
                                       tmp_path, capsys):
    src = make_sirst_v2_release(tmp_path / 'release')
    out = tmp_path / 'out'
    converter.main([str(src), '-o', str(out)])
    printed = capsys.readouterr().out
    assert 'Converted 7 images and masks (3 background-only)' in printed
    assert 'trainval_full.txt' in printed and 'test_full.txt' in printed
    ids = sorted(p.stem for p in (out / 'images').iterdir())
    assert ids == sorted(p.stem for p in (out / 'masks').iterdir())
    assert len(ids) == 7
    # Images are copied unchanged; masks are 0/255 L at the image size.
    for img_id in ids:
        kind = 'backgrounds' if img_id.startswith('iraytek') else 'targets'
        assert (out / 'images' / f'{img_id}.png').read_bytes() == (
            src / 'images' / kind / f'{img_id}.png').read_bytes()
        mask = Image.open(out / 'masks' / f'{img_id}.png')
        assert mask.mode == 'L' and mask.size == (32, 32)
        values = set(np.unique(np.array(mask)).tolist())
        assert values == ({0} if kind == 'backgrounds' else {0, 255})
    # The 1-bit mask of Misc_2 keeps its 4 target pixels.
    assert (_mask(out / 'masks' / 'Misc_2.png') == 255).sum() == 4
    assert (out / 'splits' / 'test_full.txt').read_text() == (
        src / 'splits' / 'test_full.txt').read_text()


def test_background_frame_without_mask_gets_an_empty_one(
        converter, make_sirst_v2_release, tmp_path, capsys):
    src = make_sirst_v2_release(tmp_path / 'release')
    summary = converter.convert(str(src), str(tmp_path / 'out'))
    assert summary['no_mask'] == ['iraytek-3']
    assert summary['empty_target'] == summary['background_target'] == []
    assert not _mask(tmp_path / 'out' / 'masks' / 'iraytek-3.png').any()


def test_target_frame_without_mask_is_refused_by_name(
        converter, make_sirst_v2_release, tmp_path):
    src = make_sirst_v2_release(tmp_path / 'release')
    mask = src / 'annotations' / 'masks' / 'Misc_10_pixels0.png'
    mask.unlink()
    with pytest.raises(FileNotFoundError) as err:
        converter.convert(str(src), str(tmp_path / 'out'))
    assert 'images/targets' in str(err.value)
    assert str(mask) in str(err.value)
    assert not (tmp_path / 'out').exists()


def test_contradicting_masks_are_kept_and_reported(converter,
                                                   make_sirst_v2_release,
                                                   tmp_path, capsys):
    src = make_sirst_v2_release(tmp_path / 'release')
    masks = src / 'annotations' / 'masks'
    Image.fromarray(np.zeros((32, 32), np.uint8)).save(masks /
                                                       'Misc_1_pixels0.png')
    target = np.zeros((32, 32), np.uint8)
    target[5:7, 5:7] = 255
    Image.fromarray(target).save(masks / 'iraytek-1_pixels0.png')
    out = tmp_path / 'out'
    converter.main([str(src), '-o', str(out)])
    printed = capsys.readouterr().out
    assert 'Warning: 1 frame(s) in images/targets have an empty mask' in (
        printed) and 'Misc_1' in printed
    assert 'Warning: 1 frame(s) in images/backgrounds have targets' in (
        printed) and 'iraytek-1' in printed
    assert not _mask(out / 'masks' / 'Misc_1.png').any()
    assert (_mask(out / 'masks' / 'iraytek-1.png') == 255).sum() == 4


def test_mis_sized_mask_is_fitted_and_named(converter, make_sirst_v2_release,
                                            tmp_path):
    src = make_sirst_v2_release(tmp_path / 'release')
    big = np.zeros((64, 48), np.uint8)
    big[10:12, 20:22] = 255
    path = src / 'annotations' / 'masks' / 'Misc_10_pixels0.png'
    Image.fromarray(big).save(path)
    summary = converter.convert(str(src), str(tmp_path / 'out'))
    assert len(summary['resized']) == 1
    assert str(path) in summary['resized'][0]
    assert '48x64' in summary['resized'][0]
    mask = _mask(tmp_path / 'out' / 'masks' / 'Misc_10.png')
    assert mask.shape == (32, 32) and mask.any()


def test_split_problems_are_warned(converter, make_sirst_v2_release,
                                   tmp_path):
    src = make_sirst_v2_release(tmp_path / 'release')
    (src / 'splits' / 'test_full.txt').unlink()
    (src / 'splits' / 'trainval_full.txt').write_text('Misc_1\nghost\n')
    summary = converter.convert(str(src), str(tmp_path / 'out'))
    warnings = '\n'.join(summary['warnings'])
    assert 'trainval_full.txt lists 1 id(s) without frame: ghost' in warnings
    assert 'test_full.txt not found' in warnings


@pytest.mark.parametrize('problem', ['no_release', 'no_masks_dir', 'twice'])
def test_bad_releases_name_the_problem(converter, make_sirst_v2_release,
                                       tmp_path, problem):
    src = make_sirst_v2_release(tmp_path / 'release')
    if problem == 'no_release':
        src, error, match = tmp_path / 'nowhere', FileNotFoundError, (
            'release not found')
    elif problem == 'no_masks_dir':
        for mask in (src / 'annotations' / 'masks').iterdir():
            mask.unlink()
        (src / 'annotations' / 'masks').rmdir()
        error, match = FileNotFoundError, 'annotations/masks not found'
    else:
        Image.new('L', (32, 32)).save(src / 'images' / 'backgrounds' /
                                      'Misc_1.png')
        error, match = ValueError, 'in both .*Misc_1'
    with pytest.raises(error, match=match):
        converter.convert(str(src), str(tmp_path / 'out'))


def test_non_empty_out_dir_is_refused(converter, make_sirst_v2_release,
                                      tmp_path):
    src = make_sirst_v2_release(tmp_path / 'release')
    out = tmp_path / 'out'
    out.mkdir()
    (out / 'mine.txt').write_text('keep')
    with pytest.raises(FileExistsError, match='--overwrite'):
        converter.convert(str(src), str(out))
    converter.convert(str(src), str(out), overwrite=True)
    assert (out / 'mine.txt').read_text() == 'keep'
    with pytest.raises(ValueError, match='release itself'):
        converter.convert(str(src), str(src), overwrite=True)


def test_converted_splits_load_with_empty_background_masks(
        converter, make_sirst_v2_release, tmp_path):
    src = make_sirst_v2_release(tmp_path / 'release')
    out = tmp_path / 'out'
    converter.convert(str(src), str(out), nproc=2)
    init_default_scope('mmseg')
    train = SIRSTDataset(
        data_root=str(out), ann_file='splits/trainval_full.txt',
        pipeline=PIPELINE)
    test = SIRSTDataset(
        data_root=str(out), ann_file='splits/test_full.txt', lazy_init=True)
    assert len(train) == 4 and len(test.load_data_list()) == 3
    sums = {
        train.get_data_info(i)['img_path'].split('/')[-1]:
        int(train[i]['data_samples'].gt_sem_seg.data.sum())
        for i in range(len(train))
    }
    assert sums == {
        'Misc_1.png': 4, 'Misc_2.png': 4, 'iraytek-1.png': 0,
        'iraytek-3.png': 0
    }
