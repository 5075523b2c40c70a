"""Per-image counts of one probability map at several thresholds.

Every IRSTD metric we report (IoU, nIoU, Pd, Fa and HSE) is a reduction of
these integer counts over the dataset, so one pass over the images serves
all of them and all thresholds.
"""
from typing import Any, List, NamedTuple, Sequence

import numpy as np

from .components import as_binary_mask, greedy_match, label_components


class ImageCounts(NamedTuple):
    """Counts of one image at one threshold.

    Attributes:
        intersection (int): Pixels that are both predicted and target.
        union (int): Pixels that are predicted or target.
        num_gt (int): Number of ground-truth components (targets).
        num_matched (int): Number of targets matched by a prediction.
        false_alarm_pixels (int): Pixels of unmatched predicted components
            (BasicIRSTD's exact-pixel definition, not DNANet's variant that
            compares component areas by value).
        num_pixels (int): Number of pixels of the image (H * W).
    """

    intersection: int
    union: int
    num_gt: int
    num_matched: int
    false_alarm_pixels: int
    num_pixels: int


def threshold_image_counts(prob: Any,
                           gt: Any,
                           thresholds: Sequence[float],
                           match_distance: float = 3.0) -> List[ImageCounts]:
    """Compute :class:`ImageCounts` of one image at several thresholds.

    The prediction at threshold ``t`` is ``prob > t``. The ground truth is
    labelled once and shared by all thresholds; each thresholded prediction
    is labelled once. Targets are matched to predicted components by
    :func:`greedy_match`.

    Args:
        prob (Any): Foreground probability of shape (H, W).
        gt (Any): Ground-truth mask of shape (H, W); nonzero is foreground.
        thresholds (Sequence[float]): Probability thresholds.
        match_distance (float): Matching radius in pixels (strict ``<``).
            Defaults to 3.0.

    Returns:
        list[ImageCounts]: One entry per threshold, in the given order.
    """
    prob = np.asarray(prob)
    if prob.ndim != 2:
        raise ValueError(
            f'prob must be a 2-D (H, W) array, got shape {prob.shape}.')
    gt = as_binary_mask(gt, 'gt')
    if prob.shape != gt.shape:
        raise ValueError(f'Prediction shape {prob.shape} differs from '
                         f'ground-truth shape {gt.shape}.')
    gt_components = label_components(gt)
    counts = []
    for threshold in thresholds:
        pred = prob > threshold
        pred_components = label_components(pred)
        matches = greedy_match(gt_components.centroids,
                               pred_components.centroids, match_distance)
        matched = matches[matches >= 0]
        num_predicted = int(np.count_nonzero(pred))
        matched_pixels = int(pred_components.areas[matched].sum())
        counts.append(
            ImageCounts(
                intersection=int(np.count_nonzero(pred & gt)),
                union=int(np.count_nonzero(pred | gt)),
                num_gt=len(gt_components.areas),
                num_matched=int(matched.size),
                false_alarm_pixels=num_predicted - matched_pixels,
                num_pixels=int(gt.size)))
    return counts
