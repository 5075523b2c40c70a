import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

REPO = Path(__file__).parents[2]
SCRIPT = REPO / 'tools' / 'dataset_converters' / 'sirst.py'
REAL_SIRST = REPO / '..' / 'shared' / 'datasets' / 'SIRST'


@pytest.fixture(scope='module')
def converter():
    # Registered in sys.modules so worker processes can unpickle its
    # functions (the --nproc path).
    name = 'sirst_converter_under_test'
    spec = importlib.util.spec_from_file_location(name, SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(name, None)


def _target(h, w, y, x, size=2):
    mask = np.zeros((h, w), np.uint8)
    mask[y:y + size, x:x + size] = 1
    return mask


def make_fake_release(root):
    """A tiny release with the quirks of NUAA-SIRST."""
    (root / 'images').mkdir(parents=True)
    (root / 'masks').mkdir()
    rng = np.random.RandomState(0)
    # Misc_1: L image, 1-bit mask.
    Image.fromarray(rng.randint(0, 255, (20, 30), np.uint8)).save(
        root / 'images' / 'Misc_1.png')
    Image.fromarray(_target(20, 30, 5, 6).astype(bool)).save(
        root / 'masks' / 'Misc_1_pixels0.png')
    # Misc_2: RGB image, L 0/255 mask (Misc_40's quirk).
    Image.fromarray(rng.randint(0, 255, (16, 24, 3), np.uint8)).save(
        root / 'images' / 'Misc_2.png')
    Image.fromarray(_target(16, 24, 3, 3) * 255).save(
        root / 'masks' / 'Misc_2_pixels0.png')
    # Misc_3: palette image, 1-bit mask without target.
    Image.fromarray(rng.randint(0, 255, (18, 18, 3), np.uint8)).convert(
        'P', palette=Image.Palette.ADAPTIVE).save(
            root / 'images' / 'Misc_3.png')
    Image.fromarray(np.zeros((18, 18), bool)).save(
        root / 'masks' / 'Misc_3_pixels0.png')
    # Misc_10: mask about 1.8x larger than the image (Misc_111's quirk),
    # with a one-pixel target nearest-neighbour resizing would skip.
    Image.fromarray(rng.randint(0, 255, (22, 33), np.uint8)).save(
        root / 'images' / 'Misc_10.png')
    big = _target(40, 60, 10, 20, size=4)
    big[31, 47] = 1
    nearest = cv2.resize(big, (33, 22), interpolation=cv2.INTER_NEAREST)
    assert cv2.connectedComponents(nearest)[0] == 2  # 1 target + background
    Image.fromarray(big.astype(bool)).save(
        root / 'masks' / 'Misc_10_pixels0.png')
    (root / 'masks' / 'Misc_1.xml').write_text('<annotation/>')
    (root / '50_50').mkdir()
    (root / '50_50' / 'train.txt').write_bytes(b'Misc_1\r\nMisc_10\r\n')
    (root / '50_50' / 'test.txt').write_bytes(b'Misc_2\r\nMisc_3\r\n')
    (root / 'idx_427').mkdir()
    (root / 'idx_427' / 'trainval.txt').write_text('Misc_1\nMisc_2\n')
    return root


def _mask(path):
    with Image.open(path) as img:
        return img.mode, np.array(img)


def test_convert_fake_release(converter, tmp_path, capsys):
    src = make_fake_release(tmp_path / 'SIRST')
    out = tmp_path / 'out'
    converter.main([str(src), '-o', str(out)])
    printed = capsys.readouterr().out
    ids = ['Misc_1', 'Misc_2', 'Misc_3', 'Misc_10']
    assert sorted(p.stem for p in (out / 'images').iterdir()) == sorted(ids)
    assert sorted(p.stem for p in (out / 'masks').iterdir()) == sorted(ids)
    for img_id in ids:
        # Images are copied byte for byte; the loader handles every mode.
        assert (out / 'images' / f'{img_id}.png').read_bytes() == \
            (src / 'images' / f'{img_id}.png').read_bytes()
        mode, mask = _mask(out / 'masks' / f'{img_id}.png')
        assert mode == 'L'
        assert set(np.unique(mask)) <= {0, 255}
        with Image.open(src / 'images' / f'{img_id}.png') as img:
            assert mask.shape == (img.height, img.width)
    assert _mask(out / 'masks' / 'Misc_1.png')[1].sum() == 4 * 255
    assert _mask(out / 'masks' / 'Misc_2.png')[1].sum() == 4 * 255
    assert _mask(out / 'masks' / 'Misc_3.png')[1].max() == 0
    resized = _mask(out / 'masks' / 'Misc_10.png')[1]
    # Both targets survive the 60x40 -> 33x22 resize.
    assert cv2.connectedComponents((resized > 0).astype(np.uint8))[0] == 3
    warning = [line for line in printed.splitlines() if 'Warning' in line]
    assert len(warning) == 1
    assert 'Misc_10_pixels0.png' in warning[0]
    assert '60x40' in warning[0] and '33x22' in warning[0]
    # Split folders are copied unchanged.
    assert (out / '50_50' / 'train.txt').read_bytes() == \
        b'Misc_1\r\nMisc_10\r\n'
    assert (out / 'idx_427' / 'trainval.txt').is_file()
    assert 'split folders: 50_50, idx_427' in printed


def test_convert_in_parallel(converter, tmp_path):
    src = make_fake_release(tmp_path / 'SIRST')
    summary = converter.convert(str(src), str(tmp_path / 'out'), nproc=2)
    assert summary['num_images'] == 4
    assert len(summary['resized']) == 1
    assert summary['warnings'] == []


def test_natural_order(converter, tmp_path):
    src = make_fake_release(tmp_path / 'SIRST')
    pairs = converter.collect_pairs(src)
    assert [Path(img).stem for img, _ in pairs] == \
        ['Misc_1', 'Misc_2', 'Misc_3', 'Misc_10']


def test_errors_name_the_problem(converter, tmp_path):
    with pytest.raises(FileNotFoundError, match='release not found'):
        converter.convert(str(tmp_path / 'absent'), str(tmp_path / 'o'))
    empty = tmp_path / 'empty'
    (empty / 'images').mkdir(parents=True)
    (empty / 'masks').mkdir()
    with pytest.raises(FileNotFoundError, match='no \\*.png image'):
        converter.convert(str(empty), str(tmp_path / 'o'))
    src = make_fake_release(tmp_path / 'SIRST')
    (src / 'masks' / 'Misc_2_pixels0.png').unlink()
    with pytest.raises(FileNotFoundError, match='Misc_2.png') as err:
        converter.convert(str(src), str(tmp_path / 'o'))
    assert 'Misc_2_pixels0.png' in str(err.value)
    with pytest.raises(ValueError, match='release itself'):
        converter.convert(str(src), str(src))


def test_missing_50_50_split_warns(converter, tmp_path):
    src = make_fake_release(tmp_path / 'SIRST')
    for split in (src / '50_50').iterdir():
        split.unlink()
    (src / '50_50').rmdir()
    (src / 'idx_427' / 'test.txt').write_text('Misc_1\nMisc_99\n')
    summary = converter.convert(str(src), str(tmp_path / 'out'))
    assert summary['splits'] == ['idx_427']
    joined = '\n'.join(summary['warnings'])
    assert '50_50' in joined
    assert 'Misc_99' in joined


def test_real_nuaa_sirst(tmp_path):
    if not (REAL_SIRST / 'images').is_dir():
        pytest.skip(f'real NUAA-SIRST release not found at '
                    f'{REAL_SIRST.resolve()}')
    out = tmp_path / 'NUAA-SIRST'
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        [str(REPO)] + [p for p in [env.get('PYTHONPATH')] if p])
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(REAL_SIRST), '-o', str(out),
         '--nproc', '2'],
        env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert 'Misc_111_pixels0.png' in proc.stdout
    assert len(list((out / 'images').glob('*.png'))) == 427
    masks = sorted((out / 'masks').glob('*.png'))
    assert len(masks) == 427
    for split, count in (('train', 213), ('test', 214)):
        ids = (out / '50_50' / f'{split}.txt').read_text().split()
        assert len(ids) == count
        assert all((out / 'masks' / f'{i}.png').is_file() for i in ids)
    assert (out / 'idx_427').is_dir() and (out / 'idx_320').is_dir()
    mode, mask = _mask(out / 'masks' / 'Misc_111.png')
    assert mode == 'L' and mask.shape == (220, 325) and mask.max() == 255
    for path in masks:
        mode, mask = _mask(path)
        assert mode == 'L'
        assert set(np.unique(mask)) <= {0, 255}, path
        if path.stem != 'Misc_111':
            # Same as DNANet's masks: the release mask times 255.
            src = REAL_SIRST / 'masks' / f'{path.stem}_pixels0.png'
            ref = (np.array(Image.open(src)) != 0).astype(np.uint8) * 255
            np.testing.assert_array_equal(mask, ref, err_msg=str(path))


def test_non_empty_out_dir_is_refused_unless_overwrite(tmp_path,
                                                        script_process):
    src = make_fake_release(tmp_path / 'SIRST')
    existing = tmp_path / 'dataset'
    (existing / '50_50').mkdir(parents=True)
    (existing / '50_50' / 'train.txt').write_text('own_1\nown_2\n')
    script = 'tools/dataset_converters/sirst.py'
    refused = script_process(script, str(src), '-o', str(existing))
    assert refused.returncode != 0
    assert f'{existing} is not empty' in refused.stderr
    assert '--overwrite' in refused.stderr
    # Nothing was written into the existing dataset.
    assert sorted(p.name for p in existing.iterdir()) == ['50_50']
    assert (existing / '50_50' / 'train.txt').read_text() == 'own_1\nown_2\n'
    forced = script_process(script, str(src), '-o', str(existing),
                            '--overwrite')
    assert forced.returncode == 0, forced.stderr
    assert (existing / '50_50' / 'train.txt').read_bytes() == \
        b'Misc_1\r\nMisc_10\r\n'


def test_empty_out_dir_is_accepted(converter, tmp_path):
    src = make_fake_release(tmp_path / 'SIRST')
    (tmp_path / 'empty').mkdir()
    assert converter.convert(str(src), str(tmp_path / 'empty'))[
        'num_images'] == 4
    (tmp_path / 'a_file').write_text('')
    with pytest.raises(NotADirectoryError, match='a_file is a file'):
        converter.convert(str(src), str(tmp_path / 'a_file'))
