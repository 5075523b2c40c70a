"""An independent, deliberately plain IRSTD metric reference for the tests.

Pure Python: own 8-connected flood fill, own centroids, own greedy matching
(DNANet/BasicIRSTD's loops), own IoU, DNANet's area-value false alarms and
DTUM's shooting rule written out pixel by pixel. Shared as the
``irstd_reference`` fixture by the functional and metric tests.
"""
import math
from types import SimpleNamespace

import numpy as np
import pytest


def ref_label(mask):
    """Label 8-connected components by flood fill in raster order.

    Returns a list of components, each a list of (row, col) pixels, ordered
    by the raster position of the component's first pixel.
    """
    height, width = mask.shape
    seen = [[False] * width for _ in range(height)]
    components = []
    for row in range(height):
        for col in range(width):
            if not mask[row, col] or seen[row][col]:
                continue
            seen[row][col] = True
            stack = [(row, col)]
            pixels = []
            while stack:
                y, x = stack.pop()
                pixels.append((y, x))
                for dy in (-1, 0, 1):
                    for dx in (-1, 0, 1):
                        ny, nx = y + dy, x + dx
                        if (0 <= ny < height and 0 <= nx < width
                                and mask[ny, nx] and not seen[ny][nx]):
                            seen[ny][nx] = True
                            stack.append((ny, nx))
            components.append(pixels)
    return components


def ref_centroid(pixels):
    """Mean (row, col) of a list of pixels."""
    return (sum(p[0] for p in pixels) / len(pixels),
            sum(p[1] for p in pixels) / len(pixels))


def ref_image_counts(prob, gt, threshold, match_distance=3.0):
    """Reference per-image counts, following DNANet/BasicIRSTD's loops."""
    pred = prob > threshold
    gt = gt != 0
    inter = union = 0
    for p, g in zip(pred.ravel().tolist(), gt.ravel().tolist()):
        inter += p and g
        union += p or g
    gt_components = ref_label(gt)
    remaining = ref_label(pred)
    matched = matched_pixels = 0
    for target in gt_components:
        gy, gx = ref_centroid(target)
        for k, candidate in enumerate(remaining):
            py, px = ref_centroid(candidate)
            if math.sqrt((gy - py)**2 + (gx - px)**2) < match_distance:
                matched += 1
                matched_pixels += len(candidate)
                del remaining[k]
                break
    false_alarm = int(pred.sum()) - matched_pixels
    return dict(
        inter=inter,
        union=union,
        num_gt=len(gt_components),
        matched=matched,
        false_alarm=false_alarm,
        pixels=pred.size)


def ref_dnanet_false_alarm(prob, gt, threshold, match_distance=3.0):
    """DNANet's false-alarm pixels, as its loops count them: the summed
    areas of the predicted components whose area value is not the area of
    any matched component (no resizing here)."""
    pred = prob > threshold
    gt_components = ref_label(gt != 0)
    remaining = ref_label(pred)
    all_areas = [len(c) for c in remaining]
    matched_areas = []
    for target in gt_components:
        gy, gx = ref_centroid(target)
        for k, candidate in enumerate(remaining):
            py, px = ref_centroid(candidate)
            if math.sqrt((gy - py)**2 + (gx - px)**2) < match_distance:
                matched_areas.append(len(candidate))
                del remaining[k]
                break
    return sum(a for a in all_areas if a not in matched_areas)


def ref_shooting(prob, gt, threshold, hit_radius=1, clear_radius=4):
    """DTUM's shooting rule, with windows clipped at the border:
    (targets hit, false-alarm pixels)."""
    pred = prob > threshold
    predicted = [(y, x) for y, x in zip(*np.nonzero(pred))]
    targets = ref_label(gt != 0)

    def near(a, b, radius):
        return max(abs(a[0] - b[0]), abs(a[1] - b[1])) <= radius

    hit = sum(
        any(near(p, q, hit_radius) for p in target for q in predicted)
        for target in targets)
    target_pixels = [p for target in targets for p in target]
    false_alarm = sum(not any(near(q, p, clear_radius)
                              for p in target_pixels) for q in predicted)
    return hit, false_alarm


def ref_metrics(samples, threshold, match_distance=3.0):
    """Reference IoU/nIoU/Pd (percent) and Fa (1e-6) over a dataset."""
    counts = [
        ref_image_counts(prob, gt, threshold, match_distance)
        for prob, gt in samples
    ]
    inter = sum(c['inter'] for c in counts)
    union = sum(c['union'] for c in counts)
    ious = [c['inter'] / c['union'] if c['union'] else 0.0 for c in counts]
    num_gt = sum(c['num_gt'] for c in counts)
    matched = sum(c['matched'] for c in counts)
    false_alarm = sum(c['false_alarm'] for c in counts)
    pixels = sum(c['pixels'] for c in counts)
    return {
        'IoU': 100 * inter / union if union else 0.0,
        'nIoU': 100 * sum(ious) / len(ious),
        'Pd': 100 * matched / num_gt if num_gt else 0.0,
        'Fa_1e-6': 1e6 * false_alarm / pixels,
    }


def binary_image(shape, *pixels):
    """A 0/1 uint8 image with the given (row, col) pixels set."""
    image = np.zeros(shape, dtype=np.uint8)
    for row, col in pixels:
        image[row, col] = 1
    return image


def random_sample(rng, height, width, num_targets, num_false, missed=0.2):
    """Sparse random targets with nearby, jittered predicted blobs.

    The probability map holds blobs near the targets (offset up to 4 px so
    that matches straddle the 3 px radius), isolated false blobs and a
    sparse speckle whose components appear at low thresholds.
    """
    prob = np.zeros((height, width), dtype=np.float32)
    speckle = rng.random((height, width)) < 0.01
    prob[speckle] = rng.random(int(speckle.sum()))
    gt = np.zeros((height, width), dtype=np.uint8)

    def blob(row, col):
        h, w = rng.integers(1, 4, size=2)
        return (slice(max(row, 0), max(row + h, 0)),
                slice(max(col, 0), max(col + w, 0)))

    for _ in range(num_targets):
        row = int(rng.integers(0, height))
        col = int(rng.integers(0, width))
        gt[blob(row, col)] = 1
        if rng.random() < missed:
            continue
        dy, dx = rng.integers(-4, 5, size=2)
        region = blob(row + int(dy), col + int(dx))
        shape = prob[region].shape
        prob[region] = rng.uniform(0.2, 1.0, size=shape)
    for _ in range(num_false):
        row = int(rng.integers(0, height))
        col = int(rng.integers(0, width))
        region = blob(row, col)
        prob[region] = rng.uniform(0.2, 1.0, size=prob[region].shape)
    return prob, gt


def random_dataset(seed=0):
    """(prob, gt) pairs of varied sizes, with the corner cases IRSTD has."""
    rng = np.random.default_rng(seed)
    samples = [
        random_sample(rng, 32, 48, 4, 2),
        random_sample(rng, 64, 64, 8, 4),
        random_sample(rng, 17, 23, 3, 1),
        random_sample(rng, 40, 30, 6, 3, missed=0.0),
        random_sample(rng, 50, 50, 12, 0),
    ]
    # An image without targets (false alarms only).
    prob, _ = random_sample(rng, 24, 36, 0, 3)
    samples.append((prob, np.zeros_like(prob, dtype=np.uint8)))
    # An image with targets but no prediction at all.
    _, gt = random_sample(rng, 30, 20, 3, 0)
    samples.append((np.zeros(gt.shape, dtype=np.float32), gt))
    # An image with neither targets nor predictions.
    samples.append((np.zeros((16, 16), np.float32), np.zeros((16, 16))))
    # Touching targets: two blobs meeting diagonally are one target.
    gt = np.zeros((20, 20), dtype=np.uint8)
    gt[3:5, 3:5] = 1
    gt[5:7, 5:7] = 1
    prob = np.zeros((20, 20), dtype=np.float32)
    prob[3:5, 3:5] = 0.9
    prob[5:7, 5:7] = 0.6
    samples.append((prob, gt))
    return samples


@pytest.fixture(scope='session')
def irstd_reference():
    """The plain reference functions and random data of this module."""
    return SimpleNamespace(
        label=ref_label,
        centroid=ref_centroid,
        image_counts=ref_image_counts,
        dnanet_false_alarm=ref_dnanet_false_alarm,
        shooting=ref_shooting,
        metrics=ref_metrics,
        binary_image=binary_image,
        random_dataset=random_dataset)
