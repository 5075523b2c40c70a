import pickle
import warnings

import cv2
import numpy as np
import pytest
from PIL import Image

from mmdsad.datasets.transforms import (
    ImageDecodeError,
    LoadBinaryAnnotations,
    LoadIRImageFromFile,
    binarize_mask,
    load_pil_image,
    pil_to_array,
    resize_mask_keep_targets,
)

H, W = 6, 8


def _gray():
    """A small uint8 gradient, distinct per pixel."""
    return (np.arange(H * W).reshape(H, W) * 5).astype(np.uint8)


def _save(img, path):
    img.save(path)
    return str(path)


def _load(path, **kwargs):
    return LoadIRImageFromFile(**kwargs)(dict(img_path=str(path)))


# ---------------------------------------------------------------- images


@pytest.mark.parametrize('color_type', ['color', 'grayscale'])
def test_load_l_image(tmp_path, color_type):
    gray = _gray()
    path = _save(Image.fromarray(gray), tmp_path / 'l.png')
    results = _load(path, color_type=color_type)
    img = results['img']
    assert img.dtype == np.uint8
    assert results['img_shape'] == (H, W)
    assert results['ori_shape'] == (H, W)
    if color_type == 'color':
        # grayscale is replicated into three channels, as convert('RGB')
        assert img.shape == (H, W, 3)
        for c in range(3):
            np.testing.assert_array_equal(img[..., c], gray)
    else:
        assert img.shape == (H, W)
        np.testing.assert_array_equal(img, gray)


def test_load_rgb_keeps_rgb_order(tmp_path):
    rgb = np.zeros((H, W, 3), np.uint8)
    rgb[..., 0], rgb[..., 1], rgb[..., 2] = 10, 20, 30
    path = _save(Image.fromarray(rgb), tmp_path / 'rgb.png')
    img = _load(path)['img']
    assert img.shape == (H, W, 3)
    np.testing.assert_array_equal(img[0, 0], [10, 20, 30])
    gray = _load(path, color_type='grayscale')['img']
    assert gray.shape == (H, W)
    # ITU-R 601 luma, as PIL's convert('L')
    assert abs(int(gray[0, 0]) - round(0.299 * 10 + 0.587 * 20 +
                                       0.114 * 30)) <= 1


def test_load_rgba_and_la_drop_alpha(tmp_path):
    rgba = np.zeros((H, W, 4), np.uint8)
    rgba[..., :3] = 40
    rgba[..., 3] = 7
    path = _save(Image.fromarray(rgba), tmp_path / 'rgba.png')
    img = _load(path)['img']
    assert img.shape == (H, W, 3)
    assert (img == 40).all()

    la = Image.merge('LA', [Image.fromarray(_gray()),
                            Image.new('L', (W, H), 3)])
    path = _save(la, tmp_path / 'la.png')
    img = _load(path)['img']
    assert img.shape == (H, W, 3)
    np.testing.assert_array_equal(img[..., 1], _gray())


def test_load_palette_image_maps_through_palette(tmp_path):
    index = np.zeros((H, W), np.uint8)
    index[2:4, 3:5] = 1
    pal = Image.frombytes('P', (W, H), index.tobytes())
    pal.putpalette([0, 0, 0, 200, 100, 50] + [0] * 762)
    path = _save(pal, tmp_path / 'p.png')
    assert Image.open(path).mode == 'P'
    img = _load(path)['img']
    assert img.shape == (H, W, 3)
    np.testing.assert_array_equal(img[2, 3], [200, 100, 50])
    np.testing.assert_array_equal(img[0, 0], [0, 0, 0])


def test_load_one_bit_image(tmp_path):
    bits = np.zeros((H, W), bool)
    bits[1, 1] = True
    path = _save(Image.fromarray(bits), tmp_path / 'one.png')
    assert Image.open(path).mode == '1'
    img = _load(path, color_type='grayscale')['img']
    assert img.dtype == np.uint8
    assert set(np.unique(img)) == {0, 255}
    assert img[1, 1] == 255


def test_load_16bit_full_range(tmp_path):
    arr = np.array([[0, 32768, 65535, 1000]], np.uint16).repeat(2, axis=0)
    path = _save(Image.fromarray(arr), tmp_path / 'ir16.png')
    assert Image.open(path).mode in ('I;16', 'I')
    results = _load(path)
    img = results['img']
    assert img.dtype == np.float32
    assert img.shape == (2, 4, 3)
    np.testing.assert_allclose(img[0, :, 0],
                               arr[0].astype(np.float64) * 255 / 65535,
                               rtol=1e-6)
    gray = _load(path, color_type='grayscale')['img']
    assert gray.shape == (2, 4)
    assert gray.dtype == np.float32


def test_load_16bit_minmax(tmp_path):
    arr = np.array([[1000, 2000, 3000]], np.uint16)
    path = _save(Image.fromarray(arr), tmp_path / 'ir16.png')
    img = _load(path, color_type='grayscale', high_bit_scale='minmax')['img']
    np.testing.assert_allclose(img[0], [0.0, 127.5, 255.0], rtol=1e-6)
    # A constant frame has no contrast: it maps to zeros, not NaN.
    const = Image.fromarray(np.full((2, 2), 500, np.uint16))
    out = pil_to_array(const, 'grayscale', 'minmax')
    assert np.isfinite(out).all() and (out == 0).all()


def test_pil_to_array_32bit_mode_i():
    img = Image.fromarray(np.array([[0, 65535]], np.int32))
    out = pil_to_array(img, 'grayscale', 'full')
    np.testing.assert_allclose(out, [[0.0, 255.0]])
    too_big = Image.fromarray(np.array([[0, 70000]], np.int32))
    with pytest.raises(ValueError, match='16-bit range'):
        pil_to_array(too_big, 'grayscale', 'full', path='big.tif')


def test_load_to_float32(tmp_path):
    path = _save(Image.fromarray(_gray()), tmp_path / 'l.png')
    img = _load(path, to_float32=True)['img']
    assert img.dtype == np.float32
    np.testing.assert_array_equal(img[..., 0], _gray())


def test_load_image_errors_name_the_file(tmp_path):
    missing = tmp_path / 'nope.png'
    with pytest.raises(FileNotFoundError, match='nope.png'):
        _load(missing)
    garbage = tmp_path / 'garbage.png'
    garbage.write_bytes(b'this is not a png at all')
    with pytest.raises(OSError, match='garbage.png'):
        _load(garbage)
    # A truncated PNG has a valid header but fails when decoded.
    good = _save(Image.fromarray(np.random.RandomState(0).randint(
        0, 255, (64, 64), np.uint8)), tmp_path / 'good.png')
    truncated = tmp_path / 'truncated.png'
    data = open(good, 'rb').read()
    truncated.write_bytes(data[:len(data) // 2])
    with pytest.raises(OSError, match='truncated.png'):
        _load(truncated)


def test_load_image_bad_args():
    with pytest.raises(ValueError, match='color_type'):
        LoadIRImageFromFile(color_type='unchanged')
    with pytest.raises(ValueError, match='high_bit_scale'):
        LoadIRImageFromFile(high_bit_scale='log')
    assert 'grayscale' in repr(LoadIRImageFromFile(color_type='grayscale'))


# ----------------------------------------------------------------- masks


def _mask_results(path, shape=(H, W), **extra):
    results = dict(seg_map_path=str(path), seg_fields=[], ori_shape=shape)
    results.update(extra)
    return LoadBinaryAnnotations()(results)


def _target():
    mask = np.zeros((H, W), np.uint8)
    mask[2:4, 3:5] = 1
    return mask


@pytest.mark.parametrize('encoding', ['0/255', '0/1', '1-bit', 'rgb'])
def test_binarise_common_encodings(tmp_path, encoding):
    target = _target()
    if encoding == '0/255':
        img = Image.fromarray(target * 255)
    elif encoding == '0/1':
        img = Image.fromarray(target)
    elif encoding == '1-bit':
        img = Image.fromarray(target.astype(bool))
    else:
        img = Image.fromarray(np.dstack([target * 255] * 3))
    path = _save(img, tmp_path / 'mask.png')
    results = _mask_results(path)
    gt = results['gt_seg_map']
    assert gt.dtype == np.uint8
    np.testing.assert_array_equal(gt, target)
    assert results['seg_fields'] == ['gt_seg_map']


def _palette(index, palette):
    img = Image.frombytes('P', (W, H), index.astype(np.uint8).tobytes())
    img.putpalette(palette + [0] * (768 - len(palette)))
    return img


def test_binarise_palette_reads_colour_not_index(tmp_path):
    # Background index 1 painted black, targets index 0 painted white: by
    # the index the background would be target.
    target = _target()
    pal = _palette(1 - target, [255, 255, 255, 0, 0, 0])
    path = _save(pal, tmp_path / 'p.png')
    assert Image.open(path).mode == 'P'
    np.testing.assert_array_equal(
        _mask_results(path)['gt_seg_map'], target)
    # PA (PNG cannot store it) follows the same rule.
    np.testing.assert_array_equal(binarize_mask(pal.convert('PA')), target)


def test_binarise_palette_any_non_black_colour_is_target(tmp_path):
    # Index 0 black background; index 1 a dark blue whose luminance
    # rounds to 0, index 2 red.
    index = np.zeros((H, W), np.uint8)
    index[1, 1], index[4, 6] = 1, 2
    path = _save(_palette(index, [0, 0, 0, 0, 0, 1, 255, 0, 0]),
                 tmp_path / 'p.png')
    np.testing.assert_array_equal(_mask_results(path)['gt_seg_map'],
                                  (index > 0).astype(np.uint8))


def test_mostly_target_mask_warns_once_per_file(tmp_path):
    inverted = 1 - _target()
    paths = [
        _save(Image.fromarray(inverted * 255), tmp_path / f'{name}.png')
        for name in ('inv_a', 'inv_b')
    ]
    transform = LoadBinaryAnnotations()
    with pytest.warns(UserWarning) as record:
        for _ in range(3):  # three epochs
            for path in paths:
                results = transform(
                    dict(seg_map_path=path, ori_shape=(H, W)))
    messages = [str(w.message) for w in record]
    assert len(messages) == 2
    fraction = f'{inverted.mean():.1%}'
    for name, message in zip(('inv_a.png', 'inv_b.png'), messages):
        assert name in message and fraction in message
        assert 'inverted' in message
    # The mask is used as it is.
    np.testing.assert_array_equal(results['gt_seg_map'], inverted)


def test_half_target_mask_does_not_warn(tmp_path):
    half = np.zeros((H, W), np.uint8)
    half[:H // 2] = 255
    path = _save(Image.fromarray(half), tmp_path / 'half.png')
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert _mask_results(path)['gt_seg_map'].mean() == 0.5


def test_binarise_ignores_alpha():
    rgba = np.zeros((H, W, 4), np.uint8)
    rgba[..., 3] = 255  # opaque black background
    rgba[2, 3, :3] = 255
    out = binarize_mask(Image.fromarray(rgba))
    assert out.sum() == 1 and out[2, 3] == 1


def test_empty_mask_is_valid_and_seg_fields_created(tmp_path):
    path = _save(Image.fromarray(np.zeros((H, W), np.uint8)),
                 tmp_path / 'empty.png')
    results = LoadBinaryAnnotations()(dict(seg_map_path=path))
    assert results['gt_seg_map'].shape == (H, W)
    assert results['gt_seg_map'].max() == 0
    assert results['seg_fields'] == ['gt_seg_map']


def test_matching_size_does_not_warn(tmp_path):
    path = _save(Image.fromarray(_target() * 255), tmp_path / 'm.png')
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        # ori_shape is the reference: img_shape changes after Resize.
        results = _mask_results(path, img_shape=(3 * H, 3 * W))
    assert results['gt_seg_map'].shape == (H, W)


def _tiny_target_lost_by_nearest(src_hw, dst_hw):
    """A mask with one pixel that nearest-neighbour resizing skips."""
    probe = np.arange(src_hw[0] * src_hw[1], dtype=np.int32).reshape(src_hw)
    kept = cv2.resize(probe, dst_hw[::-1], interpolation=cv2.INTER_NEAREST)
    skipped = np.setdiff1d(probe, kept)
    y, x = np.unravel_index(skipped[len(skipped) // 2], src_hw)
    mask = np.zeros(src_hw, np.uint8)
    mask[y, x] = 255
    return mask


def test_mismatched_mask_resized_with_warning_no_target_lost(tmp_path):
    # NUAA-SIRST Misc_111: mask 592x400 for a 325x220 image.
    src_hw, img_hw = (400, 592), (220, 325)
    mask = _tiny_target_lost_by_nearest(src_hw, img_hw)
    mask[50:70, 100:130] = 255  # a larger target nearest keeps
    nearest = cv2.resize(mask, img_hw[::-1],
                         interpolation=cv2.INTER_NEAREST)
    assert cv2.connectedComponents(nearest)[0] - 1 == 1  # precondition
    path = _save(Image.fromarray(mask), tmp_path / 'Misc_111_pixels0.png')
    with pytest.warns(UserWarning) as record:
        results = _mask_results(path, shape=img_hw)
    msg = str(record[0].message)
    assert 'Misc_111_pixels0.png' in msg
    assert '592x400' in msg and '325x220' in msg
    assert 'area interpolation' in msg
    gt = results['gt_seg_map']
    assert gt.shape == img_hw
    assert set(np.unique(gt)) == {0, 1}
    assert cv2.connectedComponents(gt)[0] - 1 == 2


def test_resize_mask_keep_targets_plain_cases():
    mask = np.zeros((4, 4), np.uint8)
    mask[1, 2] = 1
    up, restored = resize_mask_keep_targets(mask, (8, 8))
    assert restored == 0
    assert up.shape == (8, 8) and up.sum() == 4
    same, restored = resize_mask_keep_targets(mask, (4, 4))
    np.testing.assert_array_equal(same, mask)
    empty, restored = resize_mask_keep_targets(np.zeros((9, 9)), (3, 3))
    assert empty.max() == 0 and restored == 0


def test_mask_errors_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='missing_mask.png'):
        _mask_results(tmp_path / 'missing_mask.png')
    garbage = tmp_path / 'bad_mask.png'
    garbage.write_bytes(b'\x89PNG garbage')
    with pytest.raises(OSError, match='bad_mask.png'):
        _mask_results(garbage)


@pytest.mark.parametrize('extra', [dict(reduce_zero_label=True),
                                   dict(label_map={0: 255, 1: 0})])
def test_label_remapping_is_refused(tmp_path, extra):
    path = _save(Image.fromarray(_target() * 255), tmp_path / 'm.png')
    with pytest.raises(ValueError, match='reduce_zero_label'):
        _mask_results(path, **extra)
    # The values a SIRSTDataset puts in every data info are accepted.
    _mask_results(path, reduce_zero_label=False, label_map=None)


def test_decode_error_survives_worker_pickling(tmp_path):
    garbage = tmp_path / 'bad.png'
    garbage.write_bytes(b'\x89PNG garbage')
    with pytest.raises(ImageDecodeError) as err:
        load_pil_image(str(garbage), kind='mask')
    copy = pickle.loads(pickle.dumps(err.value))
    assert str(copy) == str(err.value)
    assert (copy.path, copy.kind) == (str(garbage), 'mask')
