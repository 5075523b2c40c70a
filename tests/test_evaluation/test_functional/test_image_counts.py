"""threshold_image_counts: per-image IoU and target counts per threshold."""
import numpy as np
import pytest

from mmdsad.evaluation.functional import ImageCounts, threshold_image_counts


def counts_at_half(pred, gt, match_distance=3.0):
    """(num_gt, num_matched, false_alarm_pixels) of a binary prediction."""
    counts = threshold_image_counts(
        np.asarray(pred, dtype=np.float32), gt, [0.5], match_distance)[0]
    return counts.num_gt, counts.num_matched, counts.false_alarm_pixels


@pytest.mark.parametrize('seed', [0, 1])
def test_random_data_matches_reference(seed, irstd_reference):
    thresholds = [0.1, 0.3, 0.5, 0.9]
    for prob, gt in irstd_reference.random_dataset(seed):
        counts = threshold_image_counts(prob, gt, thresholds)
        for threshold, got in zip(thresholds, counts):
            expected = irstd_reference.image_counts(prob, gt, threshold)
            assert got == ImageCounts(
                intersection=expected['inter'],
                union=expected['union'],
                num_gt=expected['num_gt'],
                num_matched=expected['matched'],
                false_alarm_pixels=expected['false_alarm'],
                num_pixels=expected['pixels'])


def test_intersection_and_union(irstd_reference):
    pred = irstd_reference.binary_image((4, 4), (0, 0), (0, 1), (1, 1))
    gt = irstd_reference.binary_image((4, 4), (1, 1), (2, 2))
    counts = threshold_image_counts(pred.astype(np.float32), gt, [0.5])[0]
    assert (counts.intersection, counts.union) == (1, 4)
    assert counts.num_pixels == 16


def test_fa_counts_exact_pixels_not_area_values(irstd_reference):
    # DNANet skips an unmatched component whose area equals that of a
    # matched one; here both have 2 pixels and the false alarm must count.
    gt = irstd_reference.binary_image((12, 12), (2, 2), (2, 3))
    pred = irstd_reference.binary_image((12, 12), (2, 2), (2, 3), (9, 9),
                                        (9, 10))
    assert counts_at_half(pred, gt) == (1, 1, 2)


@pytest.mark.parametrize(
    'pred_pixel, matched',
    [
        ((5, 5), False),  # distance exactly 3: not matched (strict <)
        ((5, 4), True),  # distance 2
        ((7, 4), True),  # distance sqrt(8) = 2.83
        ((6, 5), False),  # distance sqrt(10) = 3.16
        ((8, 2), False),  # distance exactly 3 vertically
    ])
def test_strict_distance_rule(pred_pixel, matched, irstd_reference):
    gt = irstd_reference.binary_image((10, 10), (5, 2))
    pred = irstd_reference.binary_image((10, 10), pred_pixel)
    assert counts_at_half(pred, gt) == ((1, 1, 0) if matched else (1, 0, 1))


def test_match_distance_argument(irstd_reference):
    gt = irstd_reference.binary_image((10, 10), (5, 2))
    pred = irstd_reference.binary_image((10, 10), (5, 5))  # distance 3
    assert counts_at_half(pred, gt, 3.0) == (1, 0, 1)
    assert counts_at_half(pred, gt, 3.01) == (1, 1, 0)


def test_matching_is_one_to_one(irstd_reference):
    # Two separate targets (one pixel apart) and one prediction between
    # them, at distance 1 from both: only one target is detected.
    gt = irstd_reference.binary_image((10, 10), (5, 4), (5, 6))
    pred = irstd_reference.binary_image((10, 10), (5, 5))
    assert counts_at_half(pred, gt) == (2, 1, 0)


def test_first_prediction_in_raster_order_wins(irstd_reference):
    # Target at (1, 2); two predictions within 3 px: B = {(0, 4)} (first in
    # raster order, distance 2.24) and A = {(1, 0), (1, 1)} (distance 1.5,
    # closer but later). Greedy matching takes B, so A's 2 pixels are false
    # alarms.
    gt = irstd_reference.binary_image((6, 8), (1, 2))
    pred = irstd_reference.binary_image((6, 8), (1, 0), (1, 1), (0, 4))
    assert counts_at_half(pred, gt) == (1, 1, 2)
    assert irstd_reference.image_counts(pred, gt, 0.5)['false_alarm'] == 2


def test_prediction_split_across_a_target(irstd_reference):
    # The target's centroid (3.5, 3.5) lies within 3 px of both halves of
    # this prediction (1.41 and 2.83 away): the first half matches, the
    # second one is a 4-pixel false alarm.
    gt = np.zeros((10, 10), dtype=np.uint8)
    gt[2:4, 2:4] = 1
    gt[4:6, 4:6] = 1
    pred = np.zeros((10, 10), dtype=np.uint8)
    pred[2:4, 2:4] = 1
    pred[5:7, 5:7] = 1  # a one-pixel gap: two separate components
    assert counts_at_half(pred, gt) == (1, 1, 4)
    assert counts_at_half(gt, gt) == (1, 1, 0)


def test_threshold_is_strict_on_the_probability():
    prob = np.zeros((6, 6), dtype=np.float32)
    prob[2, 2] = 0.4
    gt = prob > 0
    counts = threshold_image_counts(prob, gt, [0.3, 0.4])
    assert [c.num_matched for c in counts] == [1, 0]


def test_shape_errors():
    with pytest.raises(ValueError, match='shape'):
        threshold_image_counts(np.zeros((3, 3)), np.zeros((3, 4)), [0.5])
    with pytest.raises(ValueError, match='prob must be a 2-D'):
        threshold_image_counts(np.zeros((1, 3, 3)), np.zeros((3, 3)), [0.5])
