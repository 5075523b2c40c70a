import math

import cv2
import numpy as np
import pytest
from mmseg.registry import TRANSFORMS

from mmdsad.datasets.transforms import RandomGaussianBlur
from mmdsad.datasets.transforms.gaussian_blur import gaussian_kernel_size


def _impulse(dtype=np.float32, shape=(15, 15)):
    img = np.zeros(shape, dtype)
    img[7, 7] = 200
    return img


def test_kernel_size_covers_three_sigma():
    assert gaussian_kernel_size(1.0) == 7
    assert gaussian_kernel_size(0.1) == 3
    assert gaussian_kernel_size(0.5) == 5
    for sigma in (0.2, 0.7, 1.3, 2.0):
        ksize = gaussian_kernel_size(sigma)
        assert ksize % 2 == 1 and (ksize - 1) / 2 >= 3 * sigma


def test_blur_matches_cv2_and_leaves_mask_alone():
    img = _impulse()
    mask = (img > 0).astype(np.uint8)
    results = dict(img=img.copy(), gt_seg_map=mask.copy(),
                   seg_fields=['gt_seg_map'])
    out = RandomGaussianBlur(prob=1.0, sigma_range=(1.0, 1.0))(results)
    expected = cv2.GaussianBlur(img, (7, 7), sigmaX=1.0, sigmaY=1.0)
    np.testing.assert_allclose(out['img'], expected, rtol=1e-6)
    assert out['img'].dtype == np.float32
    assert out['img'][7, 7] < 200
    assert math.isclose(float(out['img'].sum()), 200.0, rel_tol=1e-3)
    np.testing.assert_array_equal(out['gt_seg_map'], mask)


@pytest.mark.parametrize('dtype,shape', [(np.uint8, (15, 15)),
                                         (np.uint8, (15, 15, 1)),
                                         (np.uint8, (15, 15, 3)),
                                         (np.float32, (15, 15, 3)),
                                         (np.int32, (15, 15))])
def test_blur_keeps_dtype_and_shape(dtype, shape):
    img = np.zeros(shape, dtype)
    img[7, 7] = 200
    out = RandomGaussianBlur(prob=1.0, sigma_range=(0.8, 0.8))(
        dict(img=img))['img']
    assert out.dtype == np.dtype(dtype)
    assert out.shape == shape
    assert 0 < out[7, 7].max() < 200


def test_no_blur_when_prob_zero_or_sigma_zero():
    img = _impulse(np.uint8)
    out = RandomGaussianBlur(prob=0.0)(dict(img=img.copy()))['img']
    np.testing.assert_array_equal(out, img)
    out = RandomGaussianBlur(prob=1.0, sigma_range=(0.0, 0.0))(
        dict(img=img.copy()))['img']
    np.testing.assert_array_equal(out, img)


def test_probability_is_respected():
    np.random.seed(0)
    blur = RandomGaussianBlur(prob=0.5, sigma_range=(1.0, 1.0))
    img = _impulse(np.uint8)
    blurred = sum(
        int(blur(dict(img=img.copy()))['img'][7, 7] != 200)
        for _ in range(400))
    assert 150 < blurred < 250


@pytest.mark.parametrize('kwargs', [
    dict(prob=-0.1),
    dict(prob=1.5),
    dict(sigma_range=(1.0, 0.5)),
    dict(sigma_range=(-1.0, 1.0)),
    dict(sigma_range=(1.0, )),
    dict(sigma_range=(float('nan'), 1.0)),
])
def test_bad_args(kwargs):
    with pytest.raises(ValueError):
        RandomGaussianBlur(**kwargs)


def test_registered_and_repr():
    blur = TRANSFORMS.build(dict(type='RandomGaussianBlur', prob=0.3))
    assert isinstance(blur, RandomGaussianBlur)
    assert 'prob=0.3' in repr(blur)
