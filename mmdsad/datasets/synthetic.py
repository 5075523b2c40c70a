"""Synthetic infrared small target data in the common SIRST layout.

The generator lets demos and tests train a detector offline, without the
real releases. Each frame imitates what makes IRSTD hard, so that a wide
network has something to teach a narrow one:

- a cloudy background with texture at several scales and sensor noise;
- one to three compact targets of varied size (Gaussian profile, sigma
  0.6-2.8 px) whose peak lies between 3 and 20 noise standard deviations
  above the local background (log-uniform): many are dim, near the noise
  floor;
- clutter that is not in the mask: point-like hot pixels (a single sharp
  pixel, without the optics' blur every target has), elongated streaks
  (thin anisotropic blobs, as glints or contrails), and straight edges or
  thin lines (horizons, wires).
"""
import os.path as osp
from pathlib import Path
from typing import Dict, List, Tuple, Union

import cv2
import numpy as np
from PIL import Image

SPLIT_DIR = '50_50'
# Octaves of the cloud background: (grid cells per side, relative weight).
CLOUD_OCTAVES = ((3, 1.0), (6, 0.6), (12, 0.3), (24, 0.15))
BACKGROUND_LEVEL_RANGE = (20.0, 90.0)
BACKGROUND_CONTRAST_RANGE = (40.0, 110.0)
SENSOR_NOISE_RANGE = (3.0, 7.0)
# Standard deviation range of the targets' Gaussian profile, in pixels, and
# their largest axis ratio (targets are compact, streaks are not).
TARGET_SIGMA_RANGE = (0.6, 2.8)
TARGET_MAX_ELONGATION = 1.5
# Peak over the local background in units of the sensor noise's standard
# deviation, drawn log-uniformly: from near the noise floor to clear.
TARGET_SNR_RANGE = (3.0, 20.0)
# A pixel belongs to the target mask where the profile reaches this fraction
# of its peak: radius = 1.55 sigma, i.e. about 1 to 4.5 pixels.
MASK_LEVEL = 0.3
# Keep target centres this far from the border so the blob is whole.
TARGET_MARGIN = 4
# Point-like clutter: single hot pixels, as bright as targets.
MAX_HOT_PIXELS = 3
HOT_PIXEL_SNR_RANGE = (4.0, 15.0)
# Elongated clutter: streaks (long sigma / short sigma in pixels) and
# straight edges or thin lines.
MAX_STREAKS = 2
STREAK_LONG_SIGMA_RANGE = (2.5, 6.0)
STREAK_SHORT_SIGMA_RANGE = (0.5, 0.9)
STREAK_SNR_RANGE = (3.0, 12.0)
EDGE_OR_LINE_PROB = 0.5
MIN_IMAGE_SIDE = 2 * TARGET_MARGIN + 8


def _cloud_background(rng: np.random.Generator, height: int,
                      width: int) -> np.ndarray:
    """Smooth-to-textured noise: upsampled random grids of several octaves."""
    background = np.zeros((height, width), np.float32)
    for cells, weight in CLOUD_OCTAVES:
        grid = rng.standard_normal((cells, cells)).astype(np.float32)
        background += weight * cv2.resize(
            grid, (width, height), interpolation=cv2.INTER_CUBIC)
    background -= background.min()
    background /= max(float(background.max()), 1e-6)
    low = rng.uniform(*BACKGROUND_LEVEL_RANGE)
    contrast = rng.uniform(*BACKGROUND_CONTRAST_RANGE)
    return low + contrast * background


def _add_edge_or_line(rng: np.random.Generator, img: np.ndarray) -> None:
    """Add a bright straight edge or a thin bright line, in place."""
    height, width = img.shape
    # Two points anywhere in the frame define the clutter's direction.
    x0, x1 = rng.uniform(0, width, size=2)
    y0, y1 = rng.uniform(0, height, size=2)
    if rng.random() < 0.5:
        # Half-plane step, as a horizon or a cloud/ground boundary.
        yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
        side = (x1 - x0) * (yy - y0) - (y1 - y0) * (xx - x0) > 0
        step = side.astype(np.float32) * rng.uniform(20.0, 50.0)
        img += cv2.GaussianBlur(step, (5, 5), 1.0)
    else:
        line = np.zeros_like(img)
        pt0 = (int(x0), int(y0))
        pt1 = (int(x1), int(y1))
        cv2.line(line, pt0, pt1, float(rng.uniform(30.0, 60.0)), 1)
        img += cv2.GaussianBlur(line, (3, 3), 0.6)


def _gaussian_blob(shape: Tuple[int, int], centre: Tuple[float, float],
                   sigmas: Tuple[float, float],
                   angle: float) -> Tuple[Tuple[slice, slice], np.ndarray]:
    """A rotated Gaussian profile (peak 1) and the window it lies in.

    Args:
        shape (tuple[int, int]): Frame (height, width).
        centre (tuple[float, float]): (row, column) of the peak.
        sigmas (tuple[float, float]): Standard deviations along the blob's
            own axes, in pixels.
        angle (float): Rotation of the first axis from the column axis,
            in radians.

    Returns:
        tuple: The (rows, columns) window and the profile on it.
    """
    height, width = shape
    cy, cx = centre
    half = int(np.ceil(4 * max(sigmas)))
    top, bottom = max(0, int(cy) - half), min(height, int(cy) + half + 1)
    left, right = max(0, int(cx) - half), min(width, int(cx) + half + 1)
    yy, xx = np.mgrid[top:bottom, left:right].astype(np.float32)
    cos, sin = np.cos(angle), np.sin(angle)
    along = (xx - cx) * cos + (yy - cy) * sin
    across = -(xx - cx) * sin + (yy - cy) * cos
    profile = np.exp(-0.5 * ((along / sigmas[0])**2 +
                             (across / sigmas[1])**2))
    return (slice(top, bottom), slice(left, right)), profile


def _random_centre(rng: np.random.Generator,
                   shape: Tuple[int, int]) -> Tuple[float, float]:
    height, width = shape
    return (rng.uniform(TARGET_MARGIN, height - 1 - TARGET_MARGIN),
            rng.uniform(TARGET_MARGIN, width - 1 - TARGET_MARGIN))


def _log_uniform(rng: np.random.Generator, bounds: Tuple[float,
                                                          float]) -> float:
    return float(np.exp(rng.uniform(np.log(bounds[0]), np.log(bounds[1]))))


def _add_target(rng: np.random.Generator, img: np.ndarray, mask: np.ndarray,
                noise_std: float) -> None:
    """Add one compact Gaussian target and its mask, in place."""
    sigma = rng.uniform(*TARGET_SIGMA_RANGE)
    elongation = rng.uniform(1.0, TARGET_MAX_ELONGATION)
    window, profile = _gaussian_blob(img.shape, _random_centre(
        rng, img.shape), (sigma * elongation, sigma), rng.uniform(0, np.pi))
    img[window] += _log_uniform(rng, TARGET_SNR_RANGE) * noise_std * profile
    mask[window] |= profile >= MASK_LEVEL


def _add_clutter(rng: np.random.Generator, img: np.ndarray,
                 noise_std: float) -> None:
    """Add hot pixels, streaks and maybe an edge or line, in place."""
    height, width = img.shape
    for _ in range(int(rng.integers(0, MAX_HOT_PIXELS + 1))):
        row, col = rng.integers(0, height), rng.integers(0, width)
        img[row, col] += rng.uniform(*HOT_PIXEL_SNR_RANGE) * noise_std
    for _ in range(int(rng.integers(0, MAX_STREAKS + 1))):
        sigmas = (rng.uniform(*STREAK_LONG_SIGMA_RANGE),
                  rng.uniform(*STREAK_SHORT_SIGMA_RANGE))
        window, profile = _gaussian_blob(img.shape, _random_centre(
            rng, img.shape), sigmas, rng.uniform(0, np.pi))
        img[window] += rng.uniform(*STREAK_SNR_RANGE) * noise_std * profile
    if rng.random() < EDGE_OR_LINE_PROB:
        _add_edge_or_line(rng, img)


def make_synthetic_frame(
        rng: np.random.Generator,
        image_size: Tuple[int, int] = (128, 128),
        max_targets: int = 3,
        empty_prob: float = 0.05) -> Tuple[np.ndarray, np.ndarray, int]:
    """Draw one synthetic infrared frame and its target mask.

    Args:
        rng (np.random.Generator): Source of randomness.
        image_size (tuple[int, int]): (height, width). Defaults to
            (128, 128).
        max_targets (int): Most targets per frame (at least one unless the
            frame is drawn empty). Defaults to 3.
        empty_prob (float): Probability of a frame without targets.
            Defaults to 0.05.

    Returns:
        tuple[np.ndarray, np.ndarray, int]: The H×W uint8 image, the H×W
        uint8 0/255 mask and the number of targets.
    """
    height, width = image_size
    img = _cloud_background(rng, height, width)
    noise_std = rng.uniform(*SENSOR_NOISE_RANGE)
    _add_clutter(rng, img, noise_std)
    mask = np.zeros((height, width), bool)
    num_targets = 0
    if rng.random() >= empty_prob:
        num_targets = int(rng.integers(1, max_targets + 1))
    for _ in range(num_targets):
        _add_target(rng, img, mask, noise_std)
    img += rng.normal(0.0, noise_std, img.shape)
    img = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    return img, mask.astype(np.uint8) * 255, num_targets


def make_synthetic_sirst(out_dir: Union[str, Path],
                         num_train: int = 48,
                         num_test: int = 16,
                         image_size: Tuple[int, int] = (128, 128),
                         seed: int = 0,
                         max_targets: int = 3,
                         empty_prob: float = 0.05) -> Dict:
    """Write a synthetic IRSTD dataset in the common SIRST layout.

    Writes ``images/<id>.png`` (8-bit L), ``masks/<id>.png`` (L, 0/255),
    ``50_50/train.txt`` and ``50_50/test.txt`` under ``out_dir``; ids are
    ``000001``, ``000002``, ... (train first). Existing files of the same
    names are overwritten. Frame ``i`` depends only on ``seed`` and ``i``,
    so the output is deterministic and a larger test split does not change
    the training frames.

    Args:
        out_dir (str | Path): Dataset root to write.
        num_train (int): Number of training frames, >= 1. Defaults to 48.
        num_test (int): Number of test frames, >= 1. Defaults to 16.
        image_size (tuple[int, int]): (height, width), each >= 16.
            Defaults to (128, 128).
        seed (int): Random seed. Defaults to 0.
        max_targets (int): Most targets per frame, >= 1. Defaults to 3.
        empty_prob (float): Probability of a frame without targets.
            Defaults to 0.05.

    Returns:
        dict: ``data_root``, ``train_file`` and ``test_file`` (paths),
        ``train_ids`` and ``test_ids`` (lists), ``image_size``,
        ``num_targets`` (total) and ``num_empty`` (frames without target).
    """
    if num_train < 1 or num_test < 1:
        raise ValueError('num_train and num_test must be >= 1, got '
                         f'{num_train} and {num_test}')
    if len(image_size) != 2 or min(image_size) < MIN_IMAGE_SIDE:
        raise ValueError('image_size must be (height, width) with sides >= '
                         f'{MIN_IMAGE_SIDE}, got {image_size}')
    if max_targets < 1:
        raise ValueError(f'max_targets must be >= 1, got {max_targets}')
    if not 0.0 <= empty_prob <= 1.0:
        raise ValueError(f'empty_prob must be in [0, 1], got {empty_prob}')
    image_size = (int(image_size[0]), int(image_size[1]))

    root = Path(out_dir)
    for sub in ('images', 'masks', SPLIT_DIR):
        (root / sub).mkdir(parents=True, exist_ok=True)

    ids: List[str] = []
    num_targets = num_empty = 0
    for index in range(num_train + num_test):
        img_id = f'{index + 1:06d}'
        # Seeding per frame keeps frame i independent of the split sizes.
        rng = np.random.default_rng([seed, index])
        img, mask, count = make_synthetic_frame(rng, image_size,
                                                max_targets, empty_prob)
        Image.fromarray(img).save(root / 'images' / f'{img_id}.png')
        Image.fromarray(mask).save(root / 'masks' / f'{img_id}.png')
        ids.append(img_id)
        num_targets += count
        num_empty += int(count == 0)

    train_ids, test_ids = ids[:num_train], ids[num_train:]
    train_file = root / SPLIT_DIR / 'train.txt'
    test_file = root / SPLIT_DIR / 'test.txt'
    train_file.write_text(''.join(f'{i}\n' for i in train_ids))
    test_file.write_text(''.join(f'{i}\n' for i in test_ids))
    return dict(
        data_root=osp.abspath(root),
        train_file=str(train_file),
        test_file=str(test_file),
        train_ids=train_ids,
        test_ids=test_ids,
        image_size=image_size,
        num_targets=num_targets,
        num_empty=num_empty)
