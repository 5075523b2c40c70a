"""Frames from paths, folders, globs and arrays, 8- or 16-bit, 1 or 3 ch."""
import cv2
import numpy as np
import pytest
from PIL import Image

from mmdsad.apis.image_inputs import collect_frames, output_names, read_frame


def test_folder_glob_path_and_array(tmp_path):
    for name in ('b.png', 'a.bmp'):
        cv2.imwrite(str(tmp_path / name), np.zeros((4, 5), np.uint8))
    (tmp_path / 'notes.txt').write_text('not an image')
    array = np.zeros((3, 3), np.uint8)
    frames = collect_frames(
        [str(tmp_path),
         str(tmp_path / '*.png'),
         str(tmp_path / 'a.bmp'), array])
    assert [name for name, _ in frames] == [
        'a.bmp', 'b.png', 'b.png', 'a.bmp', 'array_3'
    ]
    assert frames[-1][1] is array


def test_missing_input_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='nothing_here'):
        collect_frames(str(tmp_path / 'nothing_here*.png'))


def test_depths_and_channels_read_alike(tmp_path):
    grey = np.random.default_rng(0).integers(0, 256, (6, 7), dtype=np.uint8)
    expected = np.repeat(grey[..., None], 3, axis=2).astype(np.float32)
    deep = grey.astype(np.uint16) * 257  # 16-bit 'full': x * 255 / 65535
    Image.fromarray(deep).save(tmp_path / 'deep.png')
    cv2.imwrite(str(tmp_path / 'grey.png'), grey)
    sources = {
        'grey array': grey,
        'grey (H, W, 1)': grey[..., None],
        'rgb array': np.repeat(grey[..., None], 3, axis=2),
        '16-bit array': deep,
        '16-bit rgb array': np.repeat(deep[..., None], 3, axis=2),
        'grey file': str(tmp_path / 'grey.png'),
        '16-bit file': str(tmp_path / 'deep.png'),
    }
    for name, source in sources.items():
        pixels = read_frame(source, name)
        assert pixels.dtype == np.float32 and pixels.shape == (6, 7, 3), name
        np.testing.assert_allclose(pixels, expected, atol=1e-3, err_msg=name)


def test_bad_array_is_refused_with_its_name():
    with pytest.raises(ValueError, match='frame odd'):
        read_frame(np.zeros((4, 4), np.float32), 'odd')


def test_empty_array_is_refused_with_its_name():
    for empty in (np.zeros((0, 0), np.uint8), np.zeros((0, 4, 3), np.uint8)):
        with pytest.raises(ValueError, match='frame blank is empty'):
            read_frame(empty, 'blank')


def test_12_bit_file_warns_only_under_the_full_scale(tmp_path, recwarn):
    values = np.arange(24, dtype=np.uint16).reshape(4, 6) * 170  # <= 3910
    Image.fromarray(values).save(tmp_path / 'sensor.png')
    with pytest.warns(UserWarning, match='frame sensor.png is 16-bit') as w:
        pixels = read_frame(str(tmp_path / 'sensor.png'), 'sensor.png')
    assert 'at most 3910' in str(w[0].message)
    assert "high_bit_scale='minmax'" in str(w[0].message)
    assert pixels.max() < 16
    recwarn.clear()
    stretched = read_frame(
        str(tmp_path / 'sensor.png'), 'sensor.png', high_bit_scale='minmax')
    assert stretched.max() == pytest.approx(255)
    # All-zero and 8-bit frames hold no 12-bit data to warn about.
    read_frame(np.zeros((4, 6), np.uint16), 'dark')
    read_frame(np.full((4, 6), 9, np.uint8), 'eight_bit')
    assert not [x for x in recwarn if '16-bit' in str(x.message)]


def test_output_names_never_collide():
    assert output_names(['a.png', 'a.jpg', 'a_1.png']) == [
        'a.png.png', 'a.jpg.png', 'a_1.png.png'
    ]
    # The same name from two folders, next to a frame whose own name is
    # what a repeat would otherwise get.
    names = ['a.png', 'a.png~2', 'a.png', 'a.png', 'b.bmp']
    outputs = output_names(names)
    assert outputs == [
        'a.png.png', 'a.png~2.png', 'a.png~3.png', 'a.png~4.png',
        'b.bmp.png'
    ]
    assert output_names(names) == outputs  # deterministic
