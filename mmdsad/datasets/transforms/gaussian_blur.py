"""Random Gaussian blur, the photometric augmentation used by DNANet."""
from typing import Optional, Sequence

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmcv.transforms.utils import cache_randomness
from mmseg.registry import TRANSFORMS

from mmdsad.utils.gaussian import check_sigma_range, gaussian_kernel_size

# Dtypes cv2.GaussianBlur filters natively; others go through float32.
_CV2_DTYPES = (np.uint8, np.uint16, np.int16, np.float32, np.float64)


@TRANSFORMS.register_module()
class RandomGaussianBlur(BaseTransform):
    """Blur the image with a Gaussian of random standard deviation.

    Reproduces DNANet's training augmentation, PIL
    ``GaussianBlur(radius=random.random())`` applied with probability 0.5
    (PIL's ``radius`` is the standard deviation). Only ``results['img']``
    is blurred; masks are left untouched so targets keep their labelled
    extent. The image dtype is preserved and σ = 0 leaves it unchanged.

    Required Keys:

    - img

    Modified Keys:

    - img

    Args:
        prob (float): Probability of blurring. Defaults to 0.5.
        sigma_range (Sequence[float]): (low, high) bounds of the uniformly
            drawn standard deviation, in pixels, 0 <= low <= high.
            Defaults to (0.0, 1.0).
    """

    def __init__(self,
                 prob: float = 0.5,
                 sigma_range: Sequence[float] = (0.0, 1.0)) -> None:
        if not 0.0 <= prob <= 1.0:
            raise ValueError(f'prob must be in [0, 1], got {prob}')
        self.prob = prob
        self.sigma_range = check_sigma_range(sigma_range,
                                             type(self).__name__)

    @cache_randomness
    def _random_sigma(self) -> Optional[float]:
        """Draw whether to blur and with which σ (None: do not blur)."""
        if np.random.rand() >= self.prob:
            return None
        return float(np.random.uniform(*self.sigma_range))

    def transform(self, results: dict) -> dict:
        """Blur ``results['img']`` with probability ``prob``.

        Args:
            results (dict): Result dict with ``img``.

        Returns:
            dict: ``results`` with the possibly blurred ``img``.
        """
        sigma = self._random_sigma()
        if sigma is None or sigma <= 0.0:
            return results
        img = results['img']
        ksize = gaussian_kernel_size(sigma)
        src = img if img.dtype in _CV2_DTYPES else img.astype(np.float32)
        blurred = cv2.GaussianBlur(
            src, (ksize, ksize), sigmaX=sigma, sigmaY=sigma)
        if blurred.dtype != img.dtype:
            if np.issubdtype(img.dtype, np.integer):
                blurred = np.rint(blurred)
            blurred = blurred.astype(img.dtype)
        # cv2 drops a trailing singleton channel axis.
        results['img'] = blurred.reshape(img.shape)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(prob={self.prob}, '
                f'sigma_range={self.sigma_range})')
