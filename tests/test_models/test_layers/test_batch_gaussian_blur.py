import cv2
import numpy as np
import pytest
import torch

from mmdsad.models.layers import RandomBatchGaussianBlur
from mmdsad.models.layers.batch_gaussian_blur import gaussian_blur_per_sample


def test_per_sample_blur_matches_opencv():
    image = np.random.default_rng(0).random((2, 20, 24)).astype(np.float32)
    sigmas = [0.0, 0.8]
    blurred = gaussian_blur_per_sample(
        torch.from_numpy(image)[:, None], torch.tensor(sigmas))[:, 0]
    torch.testing.assert_close(blurred[0], torch.from_numpy(image[0]))
    # ksize 2 * ceil(3 * 0.8) + 1 = 7, replicated borders.
    expected = cv2.GaussianBlur(
        image[1], (7, 7), 0.8, borderType=cv2.BORDER_REPLICATE)
    torch.testing.assert_close(
        blurred[1], torch.from_numpy(expected), rtol=0, atol=1e-5)


def test_blur_commutes_with_normalisation():
    # Per-channel affine maps (the preprocessor's) commute with a unit-sum
    # kernel and replicated borders, at the image border too.
    raw = torch.rand(2, 3, 16, 20) * 255
    mean = torch.tensor([123.675, 116.28, 103.53])[:, None, None]
    std = torch.tensor([58.395, 57.12, 57.375])[:, None, None]
    sigmas = torch.tensor([0.3, 1.0])
    torch.testing.assert_close(
        gaussian_blur_per_sample((raw - mean) / std, sigmas),
        (gaussian_blur_per_sample(raw, sigmas) - mean) / std)


def test_module_blurs_in_training_and_passes_through_in_eval():
    blur = RandomBatchGaussianBlur(sigma_range=(0.5, 1.0))
    x = torch.randn(2, 3, 16, 16, requires_grad=True)
    assert blur.eval()(x) is x
    torch.manual_seed(0)
    out = blur.train()(x)
    torch.manual_seed(0)
    sigmas = 0.5 + 0.5 * torch.rand(2)
    torch.testing.assert_close(out, gaussian_blur_per_sample(x, sigmas))
    assert not out.requires_grad
    assert len(blur.state_dict()) == 0


@pytest.mark.parametrize('sigma_range', [(1.0, 0.5), (-1.0, 1.0), (1.0, ),
                                         (float('nan'), 1.0)])
def test_bad_sigma_range_is_refused(sigma_range):
    with pytest.raises(ValueError,
                       match='RandomBatchGaussianBlur: sigma_range'):
        RandomBatchGaussianBlur(sigma_range=sigma_range)
