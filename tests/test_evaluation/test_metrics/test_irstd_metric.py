"""Specification of IRSTDMetric (IoU, nIoU, Pd, Fa) and its helpers.

The metric is checked against an independent, deliberately plain reference
written below (own 8-connected flood fill, own centroids, own greedy
matching, own IoU), and on small hand-computed cases.
"""
import math

import numpy as np
import pytest
import torch
from mmseg.registry import METRICS

from mmdsad.evaluation.metrics.irstd_metric import (
    IRSTDMetric,
    binary_iou_counts,
    greedy_match,
    label_components,
    match_components,
    summarize_counts,
)

# ---------------------------------------------------------------------------
# Independent reference implementation (pure Python, no OpenCV).
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Helpers building mmseg-style data samples and random data.
# ---------------------------------------------------------------------------


def make_sample(prob, gt):
    """A data sample as mmengine's evaluator passes it (plain dicts)."""
    prob = torch.as_tensor(np.asarray(prob, dtype=np.float32))[None]
    gt = torch.as_tensor(np.asarray(gt, dtype=np.int64))[None]
    return {
        'seg_logits': {
            'data': prob
        },
        'pred_sem_seg': {
            'data': (prob > 0.5).to(prob)
        },
        'gt_sem_seg': {
            'data': gt
        },
    }


def evaluate(samples, **kwargs):
    """Run IRSTDMetric on (prob, gt) pairs, one batch per two images."""
    metric = IRSTDMetric(**kwargs)
    for start in range(0, len(samples), 2):
        batch = [make_sample(p, g) for p, g in samples[start:start + 2]]
        metric.process({}, batch)
    return metric.evaluate(len(samples))


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


# ---------------------------------------------------------------------------
# Agreement with the reference on random data.
# ---------------------------------------------------------------------------

THRESHOLDS = (0.1, 0.3, 0.45, 0.7, 0.9)


def test_random_data_matches_reference():
    samples = random_dataset(seed=0)
    results = evaluate(samples, threshold=0.5, thresholds=THRESHOLDS)
    expected = ref_metrics(samples, 0.5)
    for key, value in expected.items():
        assert results[key] == pytest.approx(value, rel=1e-12, abs=1e-12)
    for threshold in THRESHOLDS:
        expected = ref_metrics(samples, threshold)
        for key, value in expected.items():
            assert results[f'{key}@{threshold:.2f}'] == pytest.approx(
                value, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize('seed', [1, 2, 3])
@pytest.mark.parametrize('match_distance', [1.5, 3.0, 5.0])
def test_random_data_matches_reference_other_seeds(seed, match_distance):
    samples = random_dataset(seed)
    results = evaluate(
        samples, threshold=0.3, match_distance=match_distance)
    expected = ref_metrics(samples, 0.3, match_distance)
    assert results == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_random_data_is_not_trivial():
    """The random data exercises matches, misses and false alarms."""
    samples = random_dataset(seed=0)
    results = evaluate(samples, threshold=0.5)
    assert 0 < results['Pd'] < 100
    assert results['Fa_1e-6'] > 0
    assert 0 < results['IoU'] < 100


@pytest.mark.parametrize('seed', range(5))
def test_label_components_matches_flood_fill(seed):
    rng = np.random.default_rng(100 + seed)
    mask = rng.random((23, 31)) < 0.25
    components = label_components(mask)
    reference = ref_label(mask)
    assert len(components.areas) == len(reference) > 1
    for centroid, area, pixels in zip(components.centroids, components.areas,
                                      reference):
        assert area == len(pixels)
        assert tuple(centroid) == pytest.approx(ref_centroid(pixels))


def test_label_components_raster_order():
    # Component A starts at (1, 0), component B at (0, 5): raster order
    # puts B first, whatever order OpenCV's labelling produces.
    mask = binary_image((4, 8), (1, 0), (1, 1), (2, 0), (0, 5))
    components = label_components(mask)
    assert components.centroids.tolist() == [[0.0, 5.0], [4 / 3, 1 / 3]]
    assert components.areas.tolist() == [1, 3]


def test_label_components_empty():
    components = label_components(np.zeros((5, 7), dtype=bool))
    assert components.centroids.shape == (0, 2)
    assert components.areas.shape == (0, )


# ---------------------------------------------------------------------------
# Hand-computed cases.
# ---------------------------------------------------------------------------


def test_hand_computed_example():
    # Image 1 (10x10): one target pixel at (2, 2), detected by a 2x2 blob
    # (centroid (2.5, 2.5), distance 0.71), plus a 3-pixel false alarm.
    gt1 = binary_image((10, 10), (2, 2))
    prob1 = np.zeros((10, 10), dtype=np.float32)
    prob1[2:4, 2:4] = 0.9
    prob1[8, 5:8] = 0.8
    # Image 2 (10x10): one target at (5, 5), nothing predicted.
    gt2 = binary_image((10, 10), (5, 5))
    prob2 = np.full((10, 10), 0.2, dtype=np.float32)

    results = evaluate([(prob1, gt1)])
    assert results['IoU'] == pytest.approx(100 / 7)
    assert results['nIoU'] == pytest.approx(100 / 7)
    assert results['Pd'] == pytest.approx(100.0)
    assert results['Fa_1e-6'] == pytest.approx(3 / 100 * 1e6)

    results = evaluate([(prob1, gt1), (prob2, gt2)])
    # IoU: 1 / (7 + 1); nIoU: (1/7 + 0) / 2; Pd: 1 of 2 targets;
    # Fa: 3 pixels over 2 * 100 pixels.
    assert results == pytest.approx({
        'IoU': 100 / 8,
        'nIoU': 100 * (1 / 7) / 2,
        'Pd': 50.0,
        'Fa_1e-6': 3 / 200 * 1e6,
    })


def test_fa_is_normalised_by_all_pixels_of_all_sizes():
    prob_a = np.zeros((10, 20), dtype=np.float32)
    prob_a[0, 0] = 0.9  # one false-alarm pixel
    prob_b = np.zeros((5, 6), dtype=np.float32)
    results = evaluate([(prob_a, np.zeros((10, 20))),
                        (prob_b, np.zeros((5, 6)))])
    assert results['Fa_1e-6'] == pytest.approx(1 / (200 + 30) * 1e6)


def test_fa_counts_exact_pixels_not_area_values():
    # DNANet skips an unmatched component whose area equals that of a
    # matched one; here both have 2 pixels and the false alarm must count.
    gt = binary_image((12, 12), (2, 2), (2, 3))
    pred = binary_image((12, 12), (2, 2), (2, 3), (9, 9), (9, 10))
    assert match_components(pred, gt) == (1, 1, 2)


@pytest.mark.parametrize(
    'pred_pixel, matched',
    [
        ((5, 5), False),  # distance exactly 3: not matched (strict <)
        ((5, 4), True),  # distance 2
        ((7, 4), True),  # distance sqrt(8) = 2.83
        ((6, 5), False),  # distance sqrt(10) = 3.16
        ((8, 2), False),  # distance exactly 3 vertically
    ])
def test_strict_distance_rule(pred_pixel, matched):
    gt = binary_image((10, 10), (5, 2))
    pred = binary_image((10, 10), pred_pixel)
    expected = (1, 1, 0) if matched else (1, 0, 1)
    assert match_components(pred, gt) == expected
    results = evaluate([(pred.astype(np.float32), gt)])
    assert results['Pd'] == (100.0 if matched else 0.0)
    assert results['Fa_1e-6'] == (0.0 if matched else 1e6 / 100)


def test_match_distance_argument():
    gt = binary_image((10, 10), (5, 2))
    pred = binary_image((10, 10), (5, 5))  # distance exactly 3
    assert match_components(pred, gt, match_distance=3.0) == (1, 0, 1)
    assert match_components(pred, gt, match_distance=3.01) == (1, 1, 0)
    results = evaluate([(pred.astype(np.float32), gt)], match_distance=3.01)
    assert results['Pd'] == 100.0


def test_matching_is_one_to_one():
    # Two separate targets (one pixel apart) and one prediction between
    # them, at distance 1 from both: only one target is detected.
    gt = binary_image((10, 10), (5, 4), (5, 6))
    pred = binary_image((10, 10), (5, 5))
    assert match_components(pred, gt) == (2, 1, 0)
    results = evaluate([(pred.astype(np.float32), gt)])
    assert results['Pd'] == pytest.approx(50.0)
    assert results['Fa_1e-6'] == 0.0


def test_first_prediction_in_raster_order_wins():
    # Target at (1, 2); two predictions within 3 px: B = {(0, 4)} (first in
    # raster order, distance 2.24) and A = {(1, 0), (1, 1)} (distance 1.5,
    # closer but later). Greedy matching takes B, so A's 2 pixels are false
    # alarms.
    gt = binary_image((6, 8), (1, 2))
    pred = binary_image((6, 8), (1, 0), (1, 1), (0, 4))
    assert match_components(pred, gt) == (1, 1, 2)
    assert ref_image_counts(pred, gt, 0.5)['false_alarm'] == 2


def test_greedy_match_targets_in_order():
    gt_centroids = np.array([[0.0, 0.0], [0.0, 2.0], [9.0, 9.0]])
    pred_centroids = np.array([[0.0, 1.0], [0.0, 2.5]])
    # Target 0 takes prediction 0; target 1 takes the remaining one;
    # target 2 is missed.
    assert greedy_match(gt_centroids, pred_centroids, 3.0).tolist() == [
        0, 1, -1
    ]
    assert greedy_match(gt_centroids, np.zeros((0, 2)), 3.0).tolist() == [
        -1, -1, -1
    ]


def test_diagonally_touching_blobs_are_one_target():
    gt = np.zeros((10, 10), dtype=np.uint8)
    gt[2:4, 2:4] = 1
    gt[4:6, 4:6] = 1  # (3, 3) and (4, 4) touch diagonally
    assert len(ref_label(gt)) == 1
    components = label_components(gt)
    assert components.areas.tolist() == [8]
    assert components.centroids.tolist() == [[3.5, 3.5]]
    # The target's centroid (3.5, 3.5) lies within 3 px of both halves of
    # this prediction (1.41 and 2.83 away): the first half matches, the
    # second one is a 4-pixel false alarm.
    pred = np.zeros((10, 10), dtype=np.uint8)
    pred[2:4, 2:4] = 1
    pred[5:7, 5:7] = 1  # a one-pixel gap: two separate components
    assert len(label_components(pred).areas) == 2
    assert match_components(pred, gt) == (1, 1, 4)
    assert match_components(gt, gt) == (1, 1, 0)


def test_binary_iou_counts():
    pred = binary_image((4, 4), (0, 0), (0, 1), (1, 1))
    gt = binary_image((4, 4), (1, 1), (2, 2))
    assert binary_iou_counts(pred, gt) == (1, 4)
    assert binary_iou_counts(np.zeros((3, 3)), np.zeros((3, 3))) == (0, 0)
    with pytest.raises(ValueError, match='shape'):
        binary_iou_counts(np.zeros((3, 3)), np.zeros((3, 4)))


def test_dataset_iou_differs_from_niou():
    # A: 100-pixel target perfectly segmented (IoU 1); B: 1-pixel target
    # missed (IoU 0). IoU = 100 / 101 but nIoU = (1 + 0) / 2.
    gt_a = np.zeros((20, 20), dtype=np.uint8)
    gt_a[5:15, 5:15] = 1
    gt_b = binary_image((20, 20), (3, 3))
    samples = [(gt_a.astype(np.float32), gt_a),
               (np.zeros((20, 20), np.float32), gt_b)]
    results = evaluate(samples)
    assert results['IoU'] == pytest.approx(100 * 100 / 101)
    assert results['nIoU'] == pytest.approx(50.0)
    assert results['IoU'] != pytest.approx(results['nIoU'])


def test_empty_union_scores_zero_in_niou():
    gt = np.zeros((8, 8), dtype=np.uint8)
    gt[2:4, 2:4] = 1
    samples = [(gt.astype(np.float32), gt),
               (np.zeros((8, 8), np.float32), np.zeros((8, 8)))]
    results = evaluate(samples)
    assert results['IoU'] == pytest.approx(100.0)
    assert results['nIoU'] == pytest.approx(50.0)


def test_no_targets_at_all_reports_zero_pd():
    prob = np.zeros((8, 8), dtype=np.float32)
    prob[1, 1] = 0.9
    results = evaluate([(prob, np.zeros((8, 8)))])
    assert results == {
        'IoU': 0.0,
        'nIoU': 0.0,
        'Pd': 0.0,
        'Fa_1e-6': pytest.approx(1e6 / 64)
    }


def test_summarize_counts_guards_empty_input():
    assert summarize_counts([]) == {
        'IoU': 0.0,
        'nIoU': 0.0,
        'Pd': 0.0,
        'Fa': 0.0
    }


# ---------------------------------------------------------------------------
# Thresholds, keys and the stored results.
# ---------------------------------------------------------------------------


def test_threshold_is_applied_to_the_probability():
    gt = binary_image((6, 6), (2, 2))
    prob = np.zeros((6, 6), dtype=np.float32)
    prob[2, 2] = 0.4
    assert evaluate([(prob, gt)])['Pd'] == 0.0
    assert evaluate([(prob, gt)], threshold=0.3)['Pd'] == 100.0
    # prob > t, strictly.
    assert evaluate([(prob, gt)], threshold=0.4)['Pd'] == 0.0


def test_pred_sem_seg_is_ignored():
    gt = binary_image((6, 6), (2, 2))
    sample = make_sample(gt.astype(np.float32), gt)
    sample['pred_sem_seg']['data'].zero_()
    metric = IRSTDMetric()
    metric.process({}, [sample])
    assert metric.evaluate(1)['IoU'] == 100.0


def test_multi_threshold_keys_equal_single_threshold_runs():
    samples = random_dataset(seed=7)
    extra = [0.3, 0.7, 0.5]
    results = evaluate(samples, threshold=0.5, thresholds=extra)
    names = ['IoU', 'nIoU', 'Pd', 'Fa_1e-6']
    assert set(results) == set(names) | {
        f'{name}@{t:.2f}'
        for name in names for t in extra
    }
    for threshold in extra:
        single = evaluate(samples, threshold=threshold)
        for name in names:
            assert results[f'{name}@{threshold:.2f}'] == single[name]
    assert results['IoU@0.30'] != results['IoU@0.70']


def test_prefix_and_registry():
    metric = METRICS.build(
        dict(type='IRSTDMetric', thresholds=[0.25], prefix='irstd'))
    assert isinstance(metric, IRSTDMetric)
    gt = binary_image((6, 6), (2, 2))
    metric.process({}, [make_sample(gt.astype(np.float32), gt)])
    results = metric.evaluate(1)
    assert set(results) == {
        'irstd/IoU', 'irstd/nIoU', 'irstd/Pd', 'irstd/Fa_1e-6',
        'irstd/IoU@0.25', 'irstd/nIoU@0.25', 'irstd/Pd@0.25',
        'irstd/Fa_1e-6@0.25'
    }


def test_results_hold_only_small_integer_counts():
    samples = random_dataset(seed=0)
    metric = IRSTDMetric(thresholds=[0.3, 0.7])
    metric.process({}, [make_sample(p, g) for p, g in samples])
    assert len(metric.results) == len(samples)
    for result in metric.results:
        assert type(result) is tuple and len(result) == 3
        for counts in result:
            assert type(counts) is tuple and len(counts) == 6
            assert all(type(value) is int for value in counts)


# ---------------------------------------------------------------------------
# Errors.
# ---------------------------------------------------------------------------


def test_missing_seg_logits_raises():
    gt = binary_image((6, 6), (2, 2))
    sample = make_sample(gt.astype(np.float32), gt)
    del sample['seg_logits']
    with pytest.raises(ValueError, match='one-channel binary head'):
        IRSTDMetric().process({}, [sample])


def test_multi_channel_seg_logits_raises():
    gt = binary_image((6, 6), (2, 2))
    sample = make_sample(gt.astype(np.float32), gt)
    sample['seg_logits']['data'] = torch.zeros(2, 6, 6)
    with pytest.raises(ValueError, match='one-channel binary head'):
        IRSTDMetric().process({}, [sample])


def test_logits_instead_of_probabilities_raise():
    gt = binary_image((6, 6), (2, 2))
    sample = make_sample(gt.astype(np.float32), gt)
    sample['seg_logits']['data'] = torch.full((1, 6, 6), -3.0)
    with pytest.raises(ValueError, match='sigmoid probability'):
        IRSTDMetric().process({}, [sample])


def test_size_mismatch_raises():
    sample = make_sample(np.zeros((6, 6)), np.zeros((6, 7)))
    with pytest.raises(ValueError, match='shape'):
        IRSTDMetric().process({}, [sample])


@pytest.mark.parametrize('threshold', [0, 0.0, 1, 1.0, -0.1, 1.5, '0.5'])
def test_invalid_threshold(threshold):
    with pytest.raises(ValueError, match='threshold'):
        IRSTDMetric(threshold=threshold)


@pytest.mark.parametrize('thresholds', [[0.0], [1.0], [0.3, 1.2], ['0.3'],
                                        [0.301, 0.304], 0.3, '0.3'])
def test_invalid_thresholds(thresholds):
    with pytest.raises(ValueError, match='thresholds'):
        IRSTDMetric(thresholds=thresholds)


@pytest.mark.parametrize('match_distance', [0, 0.0, -1.0, float('nan'), '3'])
def test_invalid_match_distance(match_distance):
    with pytest.raises(ValueError, match='match_distance'):
        IRSTDMetric(match_distance=match_distance)
