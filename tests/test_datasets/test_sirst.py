from pathlib import Path

import numpy as np
import pytest
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS
from PIL import Image

from mmdsad.datasets import SIRSTDataset

REAL_DATASETS = Path(__file__).parents[2] / '..' / 'shared' / 'datasets'

PIPELINE = [
    dict(type='LoadIRImageFromFile'),
    dict(type='LoadBinaryAnnotations'),
    dict(type='PackSegInputs'),
]


def _make_root(tmp_path, ids=('a', 'b', 'c'), split_text=None):
    """Images, 0/255 masks and a CRLF split file with blank lines."""
    root = tmp_path / 'data'
    (root / 'images').mkdir(parents=True)
    (root / 'masks').mkdir()
    (root / '50_50').mkdir()
    rng = np.random.RandomState(0)
    for img_id in ids:
        img = rng.randint(0, 120, (12, 16), np.uint8)
        mask = np.zeros((12, 16), np.uint8)
        mask[4:6, 7:9] = 255
        img[mask > 0] = 250
        Image.fromarray(img).save(root / 'images' / f'{img_id}.png')
        Image.fromarray(mask).save(root / 'masks' / f'{img_id}.png')
    if split_text is None:
        split_text = '\r\n'.join(ids) + '\r\n\r\n  \r\n'
    (root / '50_50' / 'train.txt').write_bytes(split_text.encode())
    return root


def _dataset(root, ann_file='50_50/train.txt', **kwargs):
    return SIRSTDataset(data_root=str(root), ann_file=ann_file, **kwargs)


def test_loads_split_ignoring_blank_lines(tmp_path):
    root = _make_root(tmp_path)
    ds = _dataset(root)
    assert len(ds) == 3
    info = ds.get_data_info(1)
    assert Path(info['img_path']) == root / 'images' / 'b.png'
    assert Path(info['seg_map_path']) == root / 'masks' / 'b.png'
    assert info['reduce_zero_label'] is False
    assert ds.metainfo['classes'] == ('background', 'target')
    assert len(ds.metainfo['palette']) == 2


def test_built_from_registry_without_split(tmp_path):
    root = _make_root(tmp_path)
    ds = DATASETS.build(dict(type='SIRSTDataset', data_root=str(root)))
    assert isinstance(ds, SIRSTDataset)
    # Without a split file every image is used, sorted.
    assert [Path(ds.get_data_info(i)['img_path']).stem
            for i in range(len(ds))] == ['a', 'b', 'c']


def test_end_to_end_pipeline_gives_binary_gt(tmp_path):
    init_default_scope('mmseg')
    root = _make_root(tmp_path)
    ds = _dataset(root, pipeline=PIPELINE, test_mode=True)
    sample = ds[0]
    inputs = sample['inputs']
    assert tuple(inputs.shape) == (3, 12, 16)
    gt = sample['data_samples'].gt_sem_seg.data.numpy()
    assert gt.shape == (1, 12, 16)
    assert set(np.unique(gt)) == {0, 1}
    assert gt.sum() == 4


def test_missing_split_file(tmp_path):
    root = _make_root(tmp_path)
    with pytest.raises(FileNotFoundError,
                       match=r'split file .*nope\.txt'):
        _dataset(root, ann_file='50_50/nope.txt')


def test_split_dir_instead_of_file(tmp_path):
    root = _make_root(tmp_path)
    with pytest.raises(ValueError, match='directory'):
        _dataset(root, ann_file='50_50')


@pytest.mark.parametrize('text', ['', '\n\n  \r\n'])
def test_empty_split(tmp_path, text):
    root = _make_root(tmp_path, split_text=text)
    with pytest.raises(ValueError, match=r'train\.txt lists no ids'):
        _dataset(root)


def test_id_without_image_names_id_split_and_path(tmp_path):
    root = _make_root(tmp_path, split_text='a\nghost\nb\n')
    with pytest.raises(FileNotFoundError) as err:
        _dataset(root)
    msg = str(err.value)
    assert "'ghost'" in msg
    assert 'train.txt' in msg
    assert str(Path('images') / 'ghost.png') in msg
    assert 'no image file' in msg


def test_id_without_mask(tmp_path):
    root = _make_root(tmp_path)
    (root / 'masks' / 'b.png').unlink()
    with pytest.raises(FileNotFoundError) as err:
        _dataset(root)
    msg = str(err.value)
    assert 'no mask file' in msg and "'b'" in msg
    assert str(Path('masks') / 'b.png') in msg


def test_many_missing_ids_are_summarised(tmp_path):
    ids = [f'x{i}' for i in range(9)]
    root = _make_root(tmp_path, split_text='a\n' + '\n'.join(ids))
    with pytest.raises(FileNotFoundError) as err:
        _dataset(root)
    msg = str(err.value)
    assert '9 id(s)' in msg and "'x0'" in msg and '... and 4 more' in msg
    assert "'x8'" not in msg


def test_ids_with_suffix_get_a_hint(tmp_path):
    root = _make_root(tmp_path, split_text='a.png\n')
    with pytest.raises(FileNotFoundError, match='must not include'):
        _dataset(root)


def test_missing_image_folder_without_split(tmp_path):
    with pytest.raises(FileNotFoundError, match='image folder not found'):
        SIRSTDataset(data_root=str(tmp_path / 'nowhere'))


def test_real_nudt_sirst():
    root = REAL_DATASETS / 'NUDT-SIRST'
    if not root.is_dir():
        pytest.skip(f'real NUDT-SIRST not found at {root.resolve()}')
    init_default_scope('mmseg')
    ds = _dataset(root, pipeline=PIPELINE)
    assert len(ds) == 663
    assert len(_dataset(root, ann_file='50_50/test.txt', lazy_init=True)
               .load_data_list()) == 664
    sample = ds[0]
    assert tuple(sample['inputs'].shape) == (3, 256, 256)
    gt = sample['data_samples'].gt_sem_seg.data
    assert set(gt.unique().tolist()) == {0, 1}


def test_every_undecodable_file_is_listed(tmp_path):
    root = _make_root(tmp_path, ids=('a', 'b', 'c', 'd'))
    data = (root / 'images' / 'a.png').read_bytes()
    (root / 'images' / 'b.png').write_bytes(data[:len(data) // 2])
    (root / 'masks' / 'c.png').write_bytes(b'not a png')
    (root / 'images' / 'd.png').write_bytes(b'')
    with pytest.raises(OSError) as err:
        _dataset(root)
    msg = str(err.value)
    assert '3 file(s)' in msg and 'train.txt' in msg
    for bad in (Path('images') / 'b.png', Path('masks') / 'c.png',
                Path('images') / 'd.png'):
        assert str(bad) in msg
    assert str(Path('images') / 'a.png') not in msg
    assert 'remove their ids from the split' in msg


def test_mask_of_another_size_is_listed_in_a_warning(tmp_path):
    root = _make_root(tmp_path)
    Image.fromarray(np.zeros((24, 32), np.uint8)).save(root / 'masks' /
                                                       'b.png')
    with pytest.warns(UserWarning, match='differ in size') as record:
        ds = _dataset(root)
    assert len(ds) == 3
    msg = str(record[0].message)
    assert str(Path('masks') / 'b.png') in msg
    assert '32x24' in msg and '16x12' in msg
    assert str(Path('masks') / 'a.png') not in msg
