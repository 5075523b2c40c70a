"""Dataset-level IoU, nIoU, Pd and Fa from per-image counts.

* **IoU** is accumulated over the whole dataset (sum of intersections over
  sum of unions), as in DNANet's ``mIoU`` and BasicIRSTD.
* **nIoU** is the mean of the per-image IoU, as in ACM's
  ``SamplewiseSigmoidMetric``. An image whose union is empty (no target and
  no prediction) scores 0 and pulls the mean down, exactly as ACM's
  ``inter / (eps + union)`` does.
* **Pd** is matched targets over all targets, **Fa** false-alarm pixels
  over all pixels (sum of H * W over the images).
"""
from typing import Dict, Sequence

import numpy as np

from .image_counts import ImageCounts


def summarize_counts(counts: Sequence[ImageCounts]) -> Dict[str, float]:
    """Reduce per-image counts at one threshold to dataset-level metrics.

    Division by zero is guarded: IoU is 0 when the total union is empty,
    an image with an empty union scores 0 in nIoU, Pd is 0 when the dataset
    has no target at all, and everything is 0 for an empty ``counts``.

    Args:
        counts (Sequence[ImageCounts]): One entry per image (plain tuples
            laid out as :class:`ImageCounts` are accepted too).

    Returns:
        dict[str, float]: ``IoU``, ``nIoU``, ``Pd`` and ``Fa``, all as
        fractions in [0, 1].
    """
    table = np.asarray(counts, dtype=np.int64).reshape(
        -1, len(ImageCounts._fields))
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
    return dict(
        IoU=(float(intersection.sum()) / total_union if total_union else 0.),
        nIoU=float(per_image_iou.mean()) if len(table) else 0.,
        Pd=float(num_matched.sum()) / total_gt if total_gt else 0.,
        Fa=(float(false_alarm_pixels.sum()) /
            total_pixels if total_pixels else 0.))
