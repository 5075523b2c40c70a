"""Per-image counts of one probability map at several thresholds.

Every IRSTD metric we report (IoU, nIoU, Pd, Fa, hIoU and HSE) is a
reduction of these counts over the dataset, so one pass over the images
serves all of them and all thresholds. How Pd and Fa count depends on the
protocol (:mod:`~mmdsad.evaluation.functional.protocols`).
"""
from typing import Any, List, NamedTuple, Sequence, Union

import numpy as np

from .components import as_binary_mask, greedy_match, label_components
from .protocols import (
    DEFAULT_PROTOCOL,
    check_protocol,
    dnanet_false_alarm_pixels,
    opdc_match,
    resize_for_dnanet,
    shooting_counts,
)


class ImageCounts(NamedTuple):
    """Counts of one image at one threshold.

    Attributes:
        intersection (int): Pixels that are both predicted and target.
        union (int): Pixels that are predicted or target.
        num_gt (int): Number of ground-truth components (targets).
        num_matched (int): Number of targets detected (matched, or hit by
            the shooting rule).
        false_alarm_pixels (int): False-alarm pixels as the protocol counts
            them (for 'basicirstd' and 'opdc' the exact pixels of the
            unmatched predicted components).
        num_pixels (int): Number of pixels of the image (H * W; 256 * 256
            for 'dnanet').
    """

    intersection: int
    union: int
    num_gt: int
    num_matched: int
    false_alarm_pixels: int
    num_pixels: int


class OPDCCounts(NamedTuple):
    """:class:`ImageCounts` plus what OPDC's hIoU needs.

    Attributes:
        intersection, union, num_gt, num_matched, false_alarm_pixels,
        num_pixels: As in :class:`ImageCounts`.
        num_pred (int): Number of predicted components.
        matched_iou (float): Sum of the pixel IoU of the matched pairs.
    """

    intersection: int
    union: int
    num_gt: int
    num_matched: int
    false_alarm_pixels: int
    num_pixels: int
    num_pred: int
    matched_iou: float


def threshold_image_counts(prob: Any,
                           gt: Any,
                           thresholds: Sequence[float],
                           match_distance: float = 3.0,
                           protocol: str = DEFAULT_PROTOCOL
                           ) -> List[Union[ImageCounts, OPDCCounts]]:
    """Compute :class:`ImageCounts` of one image at several thresholds.

    The prediction at threshold ``t`` is ``prob > t``. The ground truth is
    labelled once and shared by all thresholds; each thresholded prediction
    is labelled once. With ``protocol='dnanet'`` both maps are first
    resized to 256x256 (:func:`resize_for_dnanet`).

    Args:
        prob (Any): Foreground probability of shape (H, W).
        gt (Any): Ground-truth mask of shape (H, W); nonzero is foreground.
        thresholds (Sequence[float]): Probability thresholds.
        match_distance (float): Matching radius in pixels (strict ``<``) of
            the centroid-matching protocols. Defaults to 3.0.
        protocol (str): 'basicirstd', 'dnanet', 'opdc' or 'shooting'.
            Defaults to 'basicirstd'.

    Returns:
        list[ImageCounts | OPDCCounts]: One entry per threshold, in the
        given order; :class:`OPDCCounts` for 'opdc'.
    """
    protocol = check_protocol(protocol)
    prob = np.asarray(prob)
    if prob.ndim != 2:
        raise ValueError(
            f'prob must be a 2-D (H, W) array, got shape {prob.shape}.')
    gt = as_binary_mask(gt, 'gt')
    if prob.shape != gt.shape:
        raise ValueError(f'Prediction shape {prob.shape} differs from '
                         f'ground-truth shape {gt.shape}.')
    if protocol == 'dnanet':
        prob, gt = resize_for_dnanet(prob, gt)
    gt_components = label_components(gt)
    counts = []
    for threshold in thresholds:
        pred = prob > threshold
        pred_components = label_components(pred)
        matched_iou = 0.0
        if protocol == 'shooting':
            num_matched, false_alarm = shooting_counts(
                gt_components, gt, pred)
        else:
            if protocol == 'opdc':
                matches, ious = opdc_match(gt_components, pred_components,
                                           match_distance)
                rows = np.flatnonzero(matches >= 0)
                matched_iou = float(ious[rows, matches[rows]].sum())
            else:
                matches = greedy_match(gt_components.centroids,
                                       pred_components.centroids,
                                       match_distance)
            matched = matches[matches >= 0]
            num_matched = int(matched.size)
            if protocol == 'dnanet':
                false_alarm = dnanet_false_alarm_pixels(
                    pred_components.areas, matched)
            else:
                false_alarm = int(pred_components.areas.sum() -
                                  pred_components.areas[matched].sum())
        basic = (int(np.count_nonzero(pred & gt)),
                 int(np.count_nonzero(pred | gt)), len(gt_components.areas),
                 num_matched, false_alarm, int(gt.size))
        counts.append(
            OPDCCounts(*basic, len(pred_components.areas), matched_iou)
            if protocol == 'opdc' else ImageCounts(*basic))
    return counts
