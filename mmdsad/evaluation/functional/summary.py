"""Dataset-level IoU, nIoU, Pd, Fa and hIoU from per-image counts.

* **IoU** is accumulated over the whole dataset (sum of intersections over
  sum of unions), as in DNANet's ``mIoU`` and BasicIRSTD.
* **nIoU** is the mean of the per-image IoU, as in ACM's
  ``SamplewiseSigmoidMetric``. Images without a target follow
  ``niou_empty``: ``'zero'`` (default) keeps them in the mean, where they
  score 0 whatever is predicted (no intersection; an empty union scores 0
  too, as ACM's ``inter / (eps + union)`` and PyIRSTDMetrics' sample-wise
  IoU do); ``'skip'`` leaves them out of the nIoU mean.
* **Pd** is detected targets over all targets, **Fa** false-alarm pixels
  over all pixels (sum of H * W over the images). An image without a target
  adds nothing to Pd; all its predicted pixels are false alarms and all
  its pixels count in Fa's denominator, under every ``niou_empty`` and
  every protocol.
* **hIoU** (OPDC counts only) is seg-IoU x loc-IoU: the mean pixel IoU of
  the matched pairs, times matched / (matched + unmatched targets +
  unmatched predicted components), summed over the dataset.
"""
from typing import Dict, Sequence

import numpy as np

from .image_counts import ImageCounts

NIOU_EMPTY_RULES = ('zero', 'skip')
_NUM_BASIC = len(ImageCounts._fields)


def check_niou_empty(rule: str) -> str:
    """Validate the nIoU rule for images without a target.

    Args:
        rule (str): 'zero' or 'skip'.

    Returns:
        str: ``rule``.
    """
    if not isinstance(rule, str) or rule not in NIOU_EMPTY_RULES:
        raise ValueError(f'niou_empty must be one of {NIOU_EMPTY_RULES}, got '
                         f'{rule!r}.')
    return rule


def summarize_counts(counts: Sequence[Sequence],
                     niou_empty: str = 'zero',
                     hiou: bool = False) -> Dict[str, float]:
    """Reduce per-image counts at one threshold to dataset-level metrics.

    Division by zero is guarded: IoU is 0 when the total union is empty,
    Pd is 0 when the dataset has no target at all, nIoU is 0 when no image
    is in its mean, and everything is 0 for an empty ``counts``.

    Args:
        counts (Sequence): One entry per image: :class:`ImageCounts`, or
            :class:`OPDCCounts` for ``hiou`` (plain tuples laid out the
            same way are accepted too).
        niou_empty (str): 'zero' or 'skip', see the module. Defaults to
            'zero'.
        hiou (bool): Also return ``hIoU``; needs OPDC counts. Defaults to
            False.

    Returns:
        dict[str, float]: ``IoU``, ``nIoU``, ``Pd``, ``Fa`` (and ``hIoU``),
        all as fractions in [0, 1].
    """
    check_niou_empty(niou_empty)
    rows = [tuple(c) for c in counts]
    width = _NUM_BASIC + 2 if hiou else _NUM_BASIC
    if any(len(row) < width for row in rows):
        raise ValueError(
            f'summarize_counts needs {width} counts per image'
            f'{" (OPDCCounts) for hIoU" if hiou else ""}, got '
            f'{sorted({len(row) for row in rows})}.')
    table = np.asarray([row[:_NUM_BASIC] for row in rows],
                       dtype=np.int64).reshape(-1, _NUM_BASIC)
    (intersection, union, num_gt, num_matched, false_alarm_pixels,
     num_pixels) = table.T
    total_union = int(union.sum())
    total_gt = int(num_gt.sum())
    total_pixels = int(num_pixels.sum())
    per_image_iou = np.divide(
        intersection,
        union,
        out=np.zeros(len(table), dtype=np.float64),
        where=union > 0)
    if niou_empty == 'skip':
        per_image_iou = per_image_iou[num_gt > 0]
    results = dict(
        IoU=(float(intersection.sum()) / total_union if total_union else 0.),
        nIoU=float(per_image_iou.mean()) if len(per_image_iou) else 0.,
        Pd=float(num_matched.sum()) / total_gt if total_gt else 0.,
        Fa=(float(false_alarm_pixels.sum()) /
            total_pixels if total_pixels else 0.))
    if hiou:
        total_matched = int(num_matched.sum())
        total_pred = int(sum(int(row[_NUM_BASIC]) for row in rows))
        matched_iou = float(sum(float(row[_NUM_BASIC + 1]) for row in rows))
        # matched + unmatched targets + unmatched predictions.
        denominator = total_gt + total_pred - total_matched
        seg_iou = matched_iou / total_matched if total_matched else 0.
        loc_iou = total_matched / denominator if denominator else 0.
        results['hIoU'] = seg_iou * loc_iou
    return results
