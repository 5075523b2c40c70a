"""The four Pd / Fa protocols on hand-worked cases, and where they differ.

Each case is drawn as ASCII art ('#' a pixel, '.' background; the drawing
is the top-left corner of a 256x256 frame, so 'dnanet' resizes nothing and
the drawing's top and left edges are the frame's border) and its counts
``(targets, detected, false-alarm pixels)`` were worked out by hand for
each protocol, following its reference's code
(mmdsad/evaluation/functional/protocols.py names them). Outside these
tests, the four were checked against the references themselves
(BasicIRSTD's and DNANet's ``PD_FA`` loops, PyIRSTDMetrics 1.0.2's
``MatchingBasedMetrics`` + ``OPDCMatching`` and shooting-rule class) on
about a thousand random images: equal counts everywhere, except the
PyIRSTDMetrics padding quirk noted in test_opdc_images_without_targets.
"""
import numpy as np
import pytest

from mmdsad.evaluation.functional import (
    DNANET_SIZE,
    PROTOCOLS,
    describe_protocol,
    label_components,
    opdc_match,
    pair_ious,
    resize_for_dnanet,
    summarize_counts,
    threshold_image_counts,
)

FRAME = DNANET_SIZE


def art(drawing, frame=FRAME):
    """A uint8 0/1 frame with the drawing in its top-left corner."""
    rows = [line.split() for line in drawing.strip().splitlines()]
    image = np.zeros(frame, dtype=np.uint8)
    for y, row in enumerate(rows):
        for x, cell in enumerate(row):
            image[y, x] = cell == '#'
    return image


def counts(pred, gt, protocol, match_distance=3.0):
    """(targets, detected, false-alarm pixels) of a binary prediction."""
    c = threshold_image_counts(
        np.asarray(pred, dtype=np.float32), gt, [0.5], match_distance,
        protocol)[0]
    return c.num_gt, c.num_matched, c.false_alarm_pixels


def all_protocols(pred, gt):
    return {p: counts(pred, gt, p) for p in PROTOCOLS}


# ---------------------------------------------------------------------------
# Hand-worked cases.
# ---------------------------------------------------------------------------


def test_clean_detection_all_four_agree():
    # A 2x2 target found exactly, and a 3-pixel false alarm far from it.
    gt = art('''
        . . . . . . . . . .
        . # # . . . . . . .
        . # # . . . . . . .
        . . . . . . . . . .
        . . . . . . . . . .
        . . . . . . . . . .
    ''')
    pred = art('''
        . . . . . . . . . .
        . # # . . . . . . .
        . # # . . . . . . .
        . . . . . . . . . .
        . . . . . . . . . .
        . . . . . . . . . .
        . . . . . . . . . .
        . . . . . . . # # #
    ''')
    assert all_protocols(pred, gt) == {
        'basicirstd': (1, 1, 3),
        'dnanet': (1, 1, 3),
        'opdc': (1, 1, 3),
        'shooting': (1, 1, 3),
    }


def test_false_alarm_as_large_as_a_detection():
    # BasicIRSTD's commit 6576e62: the 2-pixel false alarm has the matched
    # component's area, so DNANet's value comparison skips it; the 3-pixel
    # one still counts. The others count exact pixels: 2 + 3.
    gt = art('''
        . . . . . . . . . . . .
        . . # # . . . . . . . .
    ''')
    pred = gt.copy()
    pred[9, 9:11] = 1
    pred[12, 0:3] = 1
    assert all_protocols(pred, gt) == {
        'basicirstd': (1, 1, 5),
        'dnanet': (1, 1, 3),
        'opdc': (1, 1, 5),
        'shooting': (1, 1, 5),
    }


def test_prediction_between_two_targets():
    # Targets at (5, 3) and (5, 7); one bar between them, centroid (5, 5),
    # 2 px from both. Matching is one to one: the first target takes the
    # bar and the second is missed. The shooting rule has no matching:
    # the bar is within 1 px of both targets, so both are hit.
    gt = art('''
        . . . . . . . . .
        . . . . . . . . .
        . . . . . . . . .
        . . . . . . . . .
        . . . . . . . . .
        . . . # . . . # .
    ''')
    pred = art('''
        . . . . . . . . .
        . . . . . . . . .
        . . . . . . . . .
        . . . . . . . . .
        . . . . . . . . .
        . . . . # # # . .
    ''')
    assert all_protocols(pred, gt) == {
        'basicirstd': (2, 1, 0),
        'dnanet': (2, 1, 0),
        'opdc': (2, 1, 0),
        'shooting': (2, 2, 0),
    }


def test_merged_components():
    # Two 2x2 targets 4 px apart, predicted as one 16-pixel blob that
    # bridges them. Its centroid (2.5, 5.5) is exactly 3 px from both
    # target centroids, so no centroid rule matches (strict <), OPDC's
    # overlap pass does not either (IoU 4 / 16 with each), and the whole
    # blob is a false alarm. The shooting rule hits both targets, and
    # every blob pixel lies within 4 px of a target pixel.
    gt = art('''
        . . . . . . . . . . .
        . . . . . . . . . . .
        . . # # . . . . # # .
        . . # # . . . . # # .
    ''')
    pred = art('''
        . . . . . . . . . . .
        . . . . . . . . . . .
        . . # # # # # # # # .
        . . # # # # # # # # .
    ''')
    assert all_protocols(pred, gt) == {
        'basicirstd': (2, 0, 16),
        'dnanet': (2, 0, 16),
        'opdc': (2, 0, 16),
        'shooting': (2, 2, 0),
    }


def test_two_targets_within_3_px():
    # Targets A = (2, 2) and B = (2, 4), 2 px apart. P_B covers B exactly;
    # P_A = {(4, 0), (4, 1)} lies 2.5 px from A (4.03 from B).
    #
    # Greedy (raster order): A comes first and takes P_B, the first
    # prediction in raster order within 3 px (2 px away); B is left with
    # P_A, 4.03 px away: missed, and P_A's 2 pixels are false alarms.
    # DNANet's loop matches the same way (P_A's area 2 is not P_B's 1).
    #
    # OPDC: the minimum-distance assignment pairs A-P_A and B-P_B
    # (2.5 + 0 < 2 + 4.03); B-P_B overlaps (IoU 1) and is kept in the
    # first pass, A-P_A (no overlap, 2.5 < 3 px) in the second: both found.
    #
    # Shooting: P_A and P_B are 2 px (Chebyshev) from A, so A is not hit;
    # P_A is within 4 px of A, so it is no false alarm.
    gt = art('''
        . . . . . .
        . . . . . .
        . . # . # .
    ''')
    pred = art('''
        . . . . . .
        . . . . . .
        . . . . # .
        . . . . . .
        # # . . . .
    ''')
    assert all_protocols(pred, gt) == {
        'basicirstd': (2, 1, 2),
        'dnanet': (2, 1, 2),
        'opdc': (2, 2, 0),
        'shooting': (2, 1, 0),
    }
    # hIoU: seg-IoU (0 + 1) / 2 matched, loc-IoU 2 / (2 + 0 + 0).
    opdc = threshold_image_counts(pred.astype(np.float32), gt, [0.5], 3.0,
                                  'opdc')[0]
    assert (opdc.num_pred, opdc.matched_iou) == (2, 1.0)
    assert summarize_counts([opdc], hiou=True)['hIoU'] == 0.5


def test_opdc_assigns_over_all_distances():
    # Target A, 3x3 at rows 10-12, cols 10-12, is covered by P2 (3x4, IoU
    # 0.75, 0.5 px away); a one-pixel target B at (30, 40) has no
    # prediction, and a stray pixel P1 sits at (5, 5). OPDC's assignment
    # minimises the total distance over all pairs: A-P1 + B-P2 (8.5 + 34.2)
    # beats A-P2 + B-P1 (0.5 + 43.0), and both chosen pairs then fail the
    # IoU and the distance test, so OPDC (as PyIRSTDMetrics 1.0.2 does)
    # finds neither target and all 13 predicted pixels are false alarms;
    # greedy matching and the shooting rule find A (P1, 5 rows from A, is
    # a false alarm for them).
    gt = np.zeros(FRAME, dtype=np.uint8)
    gt[10:13, 10:13] = 1
    gt[30, 40] = 1
    pred = np.zeros(FRAME, dtype=np.uint8)
    pred[10:13, 10:14] = 1
    pred[5, 5] = 1
    assert all_protocols(pred, gt) == {
        'basicirstd': (2, 1, 1),
        'dnanet': (2, 1, 1),
        'opdc': (2, 0, 13),
        'shooting': (2, 1, 1),
    }


def test_targets_touching_the_border():
    # A target in the frame's corner, (0, 0)-(0, 1), detected by the pixel
    # at (0, 2) (centroid 1.5 px away, 1 px from (0, 1)), and a 2-pixel
    # blob at (3, 0)-(4, 0), 3.54 px from the target's centroid: a false
    # alarm for every matching rule, but within 4 px (Chebyshev) of
    # (0, 0), so not for the shooting rule. Windows are clipped at the
    # border (PyIRSTDMetrics). DTUM's own slicing (negative starts) gives
    # zero-size windows to target pixels in the first row or column (hit
    # window) and in the first four (clear box): it would miss this target
    # and count all three predicted pixels as false alarms.
    gt = art('''
        # # . .
        . . . .
    ''')
    pred = art('''
        . . # .
        . . . .
        . . . .
        # . . .
        # . . .
    ''')
    assert all_protocols(pred, gt) == {
        'basicirstd': (1, 1, 2),
        'dnanet': (1, 1, 2),
        'opdc': (1, 1, 2),
        'shooting': (1, 1, 0),
    }


def test_images_without_targets_all_pixels_are_false_alarms():
    # No target: every predicted pixel is a false alarm in all four (no
    # target to match, none to shield pixels under the shooting rule).
    gt = np.zeros(FRAME, dtype=np.uint8)
    pred = art('''
        . . . .
        . # # .
        . # . .
    ''')
    assert all_protocols(pred, gt) == {p: (0, 0, 3) for p in PROTOCOLS}
    assert all_protocols(gt, gt) == {p: (0, 0, 0) for p in PROTOCOLS}


@pytest.mark.parametrize('protocol', PROTOCOLS)
def test_empty_mask_rule_for_niou_and_fa(protocol):
    # Three images: a target found exactly (IoU 1), an empty frame with
    # nothing predicted (empty union) and an empty frame with a 3-pixel
    # false alarm. nIoU 'zero': both empty frames count, scoring 0;
    # 'skip': they are left out. Fa counts the 3 pixels over all three
    # frames' pixels under both rules, and Pd only sees the one target.
    target = art('. # .')
    empty = np.zeros(FRAME, dtype=np.uint8)
    false_alarm = art('# # #')
    samples = [(target, target), (empty, empty), (false_alarm, empty)]
    image_counts = [
        threshold_image_counts(p.astype(np.float32), g, [0.5], 3.0,
                               protocol)[0] for p, g in samples
    ]
    zero = summarize_counts(image_counts, 'zero')
    skip = summarize_counts(image_counts, 'skip')
    assert zero['nIoU'] == pytest.approx(1 / 3)
    assert skip['nIoU'] == 1.0
    for scores in (zero, skip):
        assert scores['IoU'] == pytest.approx(1 / 4)
        assert scores['Pd'] == 1.0
        assert scores['Fa'] == pytest.approx(3 / (3 * FRAME[0] * FRAME[1]))


def test_niou_skip_of_a_dataset_without_targets_is_zero():
    empty = np.zeros((8, 8), dtype=np.uint8)
    image_counts = threshold_image_counts(empty.astype(np.float32), empty,
                                          [0.5])
    assert summarize_counts(image_counts, 'skip')['nIoU'] == 0.0
    with pytest.raises(ValueError, match='niou_empty'):
        summarize_counts(image_counts, 'one')


def test_opdc_images_without_targets():
    # No target, two predicted components: both unmatched. PyIRSTDMetrics
    # pads its distance matrix to at least 1x1 and so counts one phantom
    # missed target here (and one phantom unmatched prediction in an image
    # with nothing predicted), which lowers Pd and hIoU with every empty
    # image; mmdsad counts only real components.
    gt = np.zeros(FRAME, dtype=np.uint8)
    pred = art('''
        # . . #
    ''')
    opdc = threshold_image_counts(pred.astype(np.float32), gt, [0.5], 3.0,
                                  'opdc')[0]
    assert (opdc.num_gt, opdc.num_matched, opdc.num_pred,
            opdc.false_alarm_pixels) == (0, 0, 2, 2)
    found = threshold_image_counts(
        art('# .').astype(np.float32), art('# .'), [0.5], 3.0, 'opdc')[0]
    nothing = threshold_image_counts(
        np.zeros(FRAME, np.float32), np.zeros(FRAME), [0.5], 3.0, 'opdc')[0]
    # loc-IoU 1 / (1 + 0 + 2): the image without targets adds its two
    # predictions, the empty one adds nothing; seg-IoU 1.
    assert summarize_counts([found, opdc, nothing],
                            hiou=True)['hIoU'] == pytest.approx(1 / 3)
    assert summarize_counts([found, opdc, nothing], hiou=True)['Pd'] == 1.0


# ---------------------------------------------------------------------------
# DNANet's 256x256 resize.
# ---------------------------------------------------------------------------


def test_dnanet_counts_on_256x256_maps():
    # A 128x128 frame doubles: a 2x2 target found exactly becomes 4x4, and
    # Fa's denominator is 256 * 256 whatever the frame's size.
    gt = np.zeros((128, 128), dtype=np.uint8)
    gt[10:12, 20:22] = 1
    prob = gt.astype(np.float32)
    prob[100, 100] = 0.9
    basic = threshold_image_counts(prob, gt, [0.5], 3.0, 'basicirstd')[0]
    dnanet = threshold_image_counts(prob, gt, [0.5], 3.0, 'dnanet')[0]
    assert (basic.intersection, basic.num_pixels, basic.false_alarm_pixels,
            basic.num_matched) == (4, 128 * 128, 1, 1)
    assert (dnanet.intersection, dnanet.num_pixels, dnanet.false_alarm_pixels,
            dnanet.num_matched) == (16, 256 * 256, 4, 1)


def test_dnanet_resize_can_erase_a_small_target():
    # Halving a 512x512 frame with PIL's nearest neighbour samples the odd
    # rows and columns: a one-pixel target at (0, 0) disappears (and the
    # bilinear probability there drops to 0.25), so DNANet's protocol
    # counts neither the target nor its detection.
    gt = np.zeros((512, 512), dtype=np.uint8)
    gt[0, 0] = 1
    prob = gt.astype(np.float32)
    assert counts(prob, gt, 'basicirstd') == (1, 1, 0)
    assert counts(prob, gt, 'dnanet') == (0, 0, 0)
    gt[1, 1] = 1  # an odd pixel survives
    small_prob, small_gt = resize_for_dnanet(prob, gt != 0)
    assert small_gt.shape == (256, 256) and small_gt[0, 0]
    assert small_gt.sum() == 1 and small_prob.dtype == np.float32


def test_dnanet_resize_leaves_256x256_maps_alone():
    prob = np.random.default_rng(0).random(FRAME).astype(np.float32)
    gt = prob > 0.9
    out_prob, out_gt = resize_for_dnanet(prob, gt)
    assert out_prob is prob and out_gt is gt


# ---------------------------------------------------------------------------
# Agreement with the plain reference of conftest.py on random data.
# ---------------------------------------------------------------------------


def padded(array):
    out = np.zeros(FRAME, dtype=np.asarray(array).dtype)
    out[:array.shape[0], :array.shape[1]] = array
    return out


@pytest.mark.parametrize('seed', [0, 1, 2])
def test_dnanet_matches_reference(seed, irstd_reference):
    for prob, gt in irstd_reference.random_dataset(seed):
        prob, gt = padded(prob), padded(gt)
        for threshold in (0.3, 0.5):
            got = threshold_image_counts(prob, gt, [threshold], 3.0,
                                         'dnanet')[0]
            expected = irstd_reference.image_counts(prob, gt, threshold)
            assert (got.num_gt, got.num_matched) == (expected['num_gt'],
                                                     expected['matched'])
            assert got.false_alarm_pixels == (
                irstd_reference.dnanet_false_alarm(prob, gt, threshold))


@pytest.mark.parametrize('seed', [0, 1, 2])
def test_shooting_matches_reference(seed, irstd_reference):
    for prob, gt in irstd_reference.random_dataset(seed):
        for threshold in (0.3, 0.5):
            got = threshold_image_counts(prob, gt, [threshold], 3.0,
                                         'shooting')[0]
            assert (got.num_matched, got.false_alarm_pixels) == (
                irstd_reference.shooting(prob, gt, threshold))


@pytest.mark.parametrize('seed', [0, 1, 2])
def test_opdc_matching_is_one_to_one_and_within_its_rules(
        seed, irstd_reference):
    for prob, gt in irstd_reference.random_dataset(seed):
        gt_components = label_components(gt)
        pred_components = label_components(prob > 0.3)
        matches, ious = opdc_match(gt_components, pred_components, 3.0)
        kept = matches[matches >= 0]
        assert len(set(kept.tolist())) == len(kept)
        for target, component in enumerate(matches):
            if component < 0:
                continue
            distance = np.linalg.norm(gt_components.centroids[target] -
                                      pred_components.centroids[component])
            assert ious[target, component] >= 0.5 or distance < 3.0


def test_pair_ious():
    gt = art('''
        # # . .
        # # . #
    ''')
    pred = art('''
        # . . .
        # . . #
    ''')
    ious = pair_ious(label_components(gt), label_components(pred))
    assert ious.tolist() == [[2 / 4, 0.0], [0.0, 1.0]]


def test_protocol_errors_and_descriptions():
    with pytest.raises(ValueError, match='protocol must be one of'):
        threshold_image_counts(np.zeros((4, 4)), np.zeros((4, 4)), [0.5],
                               protocol='BasicIRSTD')
    assert '< 2 px' in describe_protocol('dnanet', 2)
    assert '256x256' in describe_protocol('dnanet')
    assert 'hIoU' in describe_protocol('opdc')
