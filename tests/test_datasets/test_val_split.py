from pathlib import Path

import pytest
from test_sirst import _make_root

from mmdsad.datasets import SIRSTDataset
from mmdsad.datasets.val_split import carve_val_split

NUDT_SIRST = (Path(__file__).parents[2] / '..' / 'shared' / 'datasets' /
              'NUDT-SIRST')
IDS = [f'{index:06d}' for index in range(1, 101)]


def test_held_out_ids_are_disjoint_and_cover_the_split():
    kept, held_out = carve_val_split(IDS, fraction=0.2, seed=0)
    assert len(held_out) == 20 and len(kept) == 80
    assert not set(kept) & set(held_out)
    assert sorted(kept + held_out) == IDS
    # Each keeps the split file's order.
    assert kept == sorted(kept) and held_out == sorted(held_out)


def test_split_depends_only_on_ids_fraction_and_seed():
    _, held_out = carve_val_split(IDS, fraction=0.2, seed=0)
    _, reordered = carve_val_split(IDS[::-1], fraction=0.2, seed=0)
    assert sorted(reordered) == held_out
    assert carve_val_split(['a', 'b', 'c', 'd'], 0.5, 0)[1] == sorted(
        carve_val_split(['d', 'c', 'b', 'a'], 0.5, 0)[1])
    _, other_seed = carve_val_split(IDS, fraction=0.2, seed=1)
    assert other_seed != held_out


def test_split_is_pinned():
    # The SHA-256 ranking gives these on every machine and Python; a change
    # here would silently change every tuned result.
    assert carve_val_split(
        IDS[:10], fraction=0.3, seed=0)[1] == ['000006', '000007', '000008']


@pytest.mark.parametrize('fraction', [0.0, 1.0, -0.1])
def test_fraction_outside_the_open_interval_is_refused(fraction):
    with pytest.raises(ValueError, match='fraction'):
        carve_val_split(IDS, fraction=fraction, seed=0)


def test_repeated_or_too_few_ids_are_refused():
    with pytest.raises(ValueError, match='distinct'):
        carve_val_split(['a', 'a', 'b'], fraction=0.5, seed=0)
    with pytest.raises(ValueError, match='at least 2'):
        carve_val_split(['a'], fraction=0.5, seed=0)


def test_tiny_splits_keep_one_id_on_each_side():
    kept, held_out = carve_val_split(['a', 'b'], fraction=0.01, seed=0)
    assert len(kept) == 1 and len(held_out) == 1
    kept, held_out = carve_val_split(['a', 'b'], fraction=0.99, seed=0)
    assert len(kept) == 1 and len(held_out) == 1


@pytest.mark.skipif(
    not NUDT_SIRST.is_dir(), reason='needs ../shared/datasets/NUDT-SIRST')
def test_nudt_sirst_validation_subset_is_outside_train_and_test():
    def dataset(ann_file, subset=None):
        val_split = None if subset is None else dict(
            fraction=0.2, seed=0, subset=subset)
        built = SIRSTDataset(
            data_root=str(NUDT_SIRST), ann_file=ann_file, val_split=val_split)
        return {
            Path(built.get_data_info(i)['img_path']).stem
            for i in range(len(built))
        }

    train = dataset('50_50/train.txt', 'train')
    val = dataset('50_50/train.txt', 'val')
    test = dataset('50_50/test.txt')
    assert train and val and test
    assert not train & val and not val & test and not train & test
    assert train | val == dataset('50_50/train.txt')
    assert len(val) == round(0.2 * len(train | val))


def test_dataset_keeps_the_chosen_subset(tmp_path):
    ids = tuple('abcdefghij')
    root = _make_root(tmp_path, ids=ids)

    def stems(subset):
        built = SIRSTDataset(
            data_root=str(root),
            ann_file='50_50/train.txt',
            val_split=dict(fraction=0.3, seed=0, subset=subset))
        return [
            Path(built.get_data_info(i)['img_path']).stem
            for i in range(len(built))
        ]

    kept, held_out = carve_val_split(list(ids), fraction=0.3, seed=0)
    assert stems('train') == kept and stems('val') == held_out


@pytest.mark.parametrize('val_split, match', [
    (dict(fraction=0.2, seed=0), 'exactly the keys'),
    (dict(fraction=0.2, seed=0, subset='test'), 'subset must be one of'),
])
def test_bad_val_split_names_the_fix(tmp_path, val_split, match):
    root = _make_root(tmp_path)
    with pytest.raises(ValueError, match=match):
        SIRSTDataset(
            data_root=str(root),
            ann_file='50_50/train.txt',
            val_split=val_split)
