"""Pixel-level and target-level metrics for infrared small target detection.

The metric follows the conventions of the IRSTD literature:

* **IoU** is accumulated over the whole dataset (sum of intersections over
  sum of unions), as in DNANet's ``mIoU`` and BasicIRSTD.
* **nIoU** is the mean of the per-image IoU, as in ACM's
  ``SamplewiseSigmoidMetric``. An image whose union is empty (no target and
  no prediction) scores 0 and pulls the mean down, exactly as ACM's
  ``inter / (eps + union)`` does.
* **Pd / Fa** label the prediction and the ground truth into 8-connected
  components and match them greedily by centroid distance (DNANet and
  BasicIRSTD use ``distance < 3``). Fa counts the exact pixels of unmatched
  predicted components (BasicIRSTD's definition), not DNANet's variant that
  compares component areas by value.

The per-image computations are plain numpy functions so that other metrics
(e.g. a multi-threshold score) can reuse them.
"""
import logging
from numbers import Real
from typing import (
    Any,
    Dict,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
)

import cv2
import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from mmseg.registry import METRICS

try:
    from prettytable import PrettyTable
except ImportError:  # pragma: no cover - prettytable is an mmseg dependency
    PrettyTable = None


class Components(NamedTuple):
    """8-connected components of a binary mask.

    Attributes:
        centroids (np.ndarray): Float64 array of shape (N, 2) holding the
            (row, col) centroid of each component.
        areas (np.ndarray): Int64 array of shape (N,) holding the number of
            pixels of each component.
    """

    centroids: np.ndarray
    areas: np.ndarray


class ImageCounts(NamedTuple):
    """Per-image counts from which all IRSTD metrics are computed.

    Attributes:
        intersection (int): Pixels that are both predicted and target.
        union (int): Pixels that are predicted or target.
        num_gt (int): Number of ground-truth components (targets).
        num_matched (int): Number of targets matched by a prediction.
        false_alarm_pixels (int): Pixels of unmatched predicted components.
        num_pixels (int): Number of pixels of the image (H * W).
    """

    intersection: int
    union: int
    num_gt: int
    num_matched: int
    false_alarm_pixels: int
    num_pixels: int


def _as_binary_mask(mask: Any, name: str) -> np.ndarray:
    """Convert a 2-D array-like mask to a boolean array.

    Args:
        mask (Any): Array of shape (H, W); nonzero pixels are foreground.
        name (str): Name used in error messages.

    Returns:
        np.ndarray: Boolean array of shape (H, W).
    """
    mask = np.asarray(mask)
    if mask.ndim != 2:
        raise ValueError(
            f'{name} must be a 2-D (H, W) array, got shape {mask.shape}.')
    if mask.dtype == np.bool_:
        return mask
    return mask != 0


def _check_same_shape(pred: np.ndarray, gt: np.ndarray) -> None:
    """Raise a ValueError when prediction and ground truth sizes differ."""
    if pred.shape != gt.shape:
        raise ValueError(
            f'Prediction shape {pred.shape} differs from ground-truth shape '
            f'{gt.shape}.')


def binary_iou_counts(pred: Any, gt: Any) -> Tuple[int, int]:
    """Count intersection and union pixels of two binary masks.

    Args:
        pred (Any): Predicted mask of shape (H, W); nonzero is foreground.
        gt (Any): Ground-truth mask of shape (H, W); nonzero is foreground.

    Returns:
        tuple[int, int]: ``(intersection, union)`` pixel counts.
    """
    pred = _as_binary_mask(pred, 'pred')
    gt = _as_binary_mask(gt, 'gt')
    _check_same_shape(pred, gt)
    intersection = int(np.count_nonzero(pred & gt))
    union = int(np.count_nonzero(pred | gt))
    return intersection, union


def label_components(mask: Any) -> Components:
    """Find the 8-connected components of a binary mask.

    Components are returned in raster order of their first pixel (row by
    row, then column by column), which is the label order of
    ``skimage.measure.label`` used by the reference IRSTD code. The greedy
    matching of :func:`greedy_match` depends on this order. OpenCV's
    block-based labelling does not guarantee it, so the components are
    sorted explicitly.

    Args:
        mask (Any): Mask of shape (H, W); nonzero pixels are foreground.

    Returns:
        Components: ``centroids`` of shape (N, 2) as (row, col) and
        ``areas`` of shape (N,).
    """
    mask = _as_binary_mask(mask, 'mask')
    empty = Components(
        centroids=np.zeros((0, 2), dtype=np.float64),
        areas=np.zeros((0, ), dtype=np.int64))
    if mask.size == 0 or not mask.any():
        return empty
    num_labels, labels, stats, centroids = cv2.connectedComponentsWithStats(
        np.ascontiguousarray(mask, dtype=np.uint8),
        connectivity=8,
        ltype=cv2.CV_32S)
    flat_labels = labels.ravel()
    foreground = np.flatnonzero(flat_labels)
    # Every label 1..num_labels-1 owns at least one pixel, so ``np.unique``
    # returns them all, sorted by label, with the first raster index of each.
    _, first = np.unique(flat_labels[foreground], return_index=True)
    order = np.argsort(foreground[first], kind='stable')
    assert order.size == num_labels - 1
    # OpenCV gives centroids as (x, y) = (col, row).
    return Components(
        centroids=centroids[1:][order][:, ::-1].astype(np.float64),
        areas=stats[1:, cv2.CC_STAT_AREA][order].astype(np.int64))


def greedy_match(gt_centroids: np.ndarray, pred_centroids: np.ndarray,
                 match_distance: float) -> np.ndarray:
    """Match targets to predicted components one to one by centroid distance.

    For each ground-truth component in order, the first predicted component
    that is not matched yet and whose centroid lies at a Euclidean distance
    strictly smaller than ``match_distance`` is matched to it and removed
    from the candidates, as in DNANet's and BasicIRSTD's ``PD_FA``.

    Args:
        gt_centroids (np.ndarray): Array of shape (G, 2) of target centroids.
        pred_centroids (np.ndarray): Array of shape (P, 2) of predicted
            component centroids, in the same coordinate order.
        match_distance (float): Matching radius in pixels (strict ``<``).

    Returns:
        np.ndarray: Int64 array of shape (G,) holding, for each target, the
        index of its predicted component, or -1 when it is missed.
    """
    gt_centroids = np.asarray(gt_centroids, dtype=np.float64).reshape(-1, 2)
    pred_centroids = np.asarray(
        pred_centroids, dtype=np.float64).reshape(-1, 2)
    matches = np.full(len(gt_centroids), -1, dtype=np.int64)
    if len(gt_centroids) == 0 or len(pred_centroids) == 0:
        return matches
    diff = gt_centroids[:, None, :] - pred_centroids[None, :, :]
    close = np.sqrt(np.sum(diff * diff, axis=-1)) < match_distance
    available = np.ones(len(pred_centroids), dtype=bool)
    for gt_idx in range(len(gt_centroids)):
        candidates = np.flatnonzero(close[gt_idx] & available)
        if candidates.size > 0:
            matches[gt_idx] = candidates[0]
            available[candidates[0]] = False
    return matches


def _match_counts(pred: np.ndarray, gt_components: Components,
                  match_distance: float) -> Tuple[int, int]:
    """Count matched targets and false-alarm pixels of a boolean prediction.

    Args:
        pred (np.ndarray): Boolean prediction of shape (H, W).
        gt_components (Components): Components of the ground truth.
        match_distance (float): Matching radius in pixels (strict ``<``).

    Returns:
        tuple[int, int]: ``(num_matched, false_alarm_pixels)``.
    """
    pred_components = label_components(pred)
    matches = greedy_match(gt_components.centroids,
                           pred_components.centroids, match_distance)
    matched = matches[matches >= 0]
    matched_pixels = int(pred_components.areas[matched].sum())
    false_alarm_pixels = int(np.count_nonzero(pred)) - matched_pixels
    return int(matched.size), false_alarm_pixels


def match_components(pred: Any,
                     gt: Any,
                     match_distance: float = 3.0) -> Tuple[int, int, int]:
    """Target-level matching of a binary prediction against the ground truth.

    Both masks are labelled into 8-connected components; targets are matched
    by :func:`greedy_match`. False-alarm pixels are the exact number of
    pixels in predicted components left unmatched (BasicIRSTD's definition).

    Args:
        pred (Any): Predicted mask of shape (H, W); nonzero is foreground.
        gt (Any): Ground-truth mask of shape (H, W); nonzero is foreground.
        match_distance (float): Matching radius in pixels (strict ``<``).
            Defaults to 3.0.

    Returns:
        tuple[int, int, int]: ``(num_gt, num_matched, false_alarm_pixels)``.
    """
    pred = _as_binary_mask(pred, 'pred')
    gt = _as_binary_mask(gt, 'gt')
    _check_same_shape(pred, gt)
    gt_components = label_components(gt)
    num_matched, false_alarm_pixels = _match_counts(pred, gt_components,
                                                    match_distance)
    return len(gt_components.areas), num_matched, false_alarm_pixels


def threshold_image_counts(prob: Any,
                           gt: Any,
                           thresholds: Sequence[float],
                           match_distance: float = 3.0) -> List[ImageCounts]:
    """Compute :class:`ImageCounts` of one image at several thresholds.

    The prediction at threshold ``t`` is ``prob > t``. The ground truth is
    labelled once and shared by all thresholds.

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
    gt = _as_binary_mask(gt, 'gt')
    _check_same_shape(prob, gt)
    gt_components = label_components(gt)
    num_gt = len(gt_components.areas)
    counts = []
    for threshold in thresholds:
        pred = prob > threshold
        intersection, union = binary_iou_counts(pred, gt)
        num_matched, false_alarm_pixels = _match_counts(
            pred, gt_components, match_distance)
        counts.append(
            ImageCounts(
                intersection=intersection,
                union=union,
                num_gt=num_gt,
                num_matched=num_matched,
                false_alarm_pixels=false_alarm_pixels,
                num_pixels=int(gt.size)))
    return counts


def summarize_counts(counts: Sequence[Sequence[int]]) -> Dict[str, float]:
    """Reduce per-image counts to dataset-level metrics (as fractions).

    Division by zero is guarded: IoU is 0 when the total union is empty,
    an image with an empty union scores 0 in nIoU, Pd is 0 when the dataset
    has no target at all, and everything is 0 for an empty ``counts``.

    Args:
        counts (Sequence[Sequence[int]]): Per-image sequences laid out as
            :class:`ImageCounts`.

    Returns:
        dict[str, float]: ``IoU`` (sum of intersections / sum of unions),
        ``nIoU`` (mean per-image IoU), ``Pd`` (matched / all targets) and
        ``Fa`` (false-alarm pixels / all pixels), all in [0, 1].
    """
    table = np.asarray(counts, dtype=np.int64).reshape(-1, 6)
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


def _pixel_data(data_sample: Mapping, key: str) -> Any:
    """Return ``data_sample[key]['data']`` or None when it is missing."""
    field = data_sample.get(key, None)
    if field is None:
        return None
    if isinstance(field, Mapping):
        return field.get('data', None)
    return getattr(field, 'data', None)


def _to_numpy(data: Any) -> np.ndarray:
    """Convert a tensor or array-like to a numpy array on the CPU."""
    if isinstance(data, torch.Tensor):
        data = data.detach()
        if data.is_floating_point():
            data = data.float()
        return data.cpu().numpy()
    return np.asarray(data)


@METRICS.register_module()
class IRSTDMetric(BaseMetric):
    """IoU, nIoU, Pd and Fa for single-channel (binary) IRSTD models.

    The metric reads the sigmoid probability that mmseg's
    ``BaseSegmentor.postprocess_result`` stores in ``seg_logits`` for a
    one-channel head, at the original image size, and thresholds it itself
    (``prob > threshold``); ``pred_sem_seg`` is not used.

    Reported values (``compute_metrics``):

    * ``IoU``: sum of intersections / sum of unions over the dataset, in
      percent.
    * ``nIoU``: mean per-image IoU in percent. An image whose union is empty
      (no target, no prediction) scores 0, as in ACM's
      ``SamplewiseSigmoidMetric``.
    * ``Pd``: matched targets / all targets, in percent. Targets are the
      8-connected components of the ground truth; a target is matched by the
      first not-yet-matched predicted component whose centroid lies at a
      Euclidean distance strictly smaller than ``match_distance`` (DNANet
      and BasicIRSTD use ``< 3``). If the dataset has no target at all, Pd
      is reported as 0 and a warning is logged.
    * ``Fa_1e-6``: pixels of unmatched predicted components / all pixels
      (sum of H * W over the images), in units of 1e-6. This is
      BasicIRSTD's exact-pixel definition; DNANet's code instead skips
      unmatched components whose area equals a matched one.

    With ``thresholds``, the same four values are also reported at each
    extra threshold as ``IoU@0.30``, ``nIoU@0.30``, ``Pd@0.30`` and
    ``Fa_1e-6@0.30`` (threshold formatted with two decimals).

    Only small integer counts per image are kept in ``self.results``, so
    results can be collected across processes cheaply.

    Args:
        threshold (float): Threshold on the sigmoid probability, in (0, 1).
            Defaults to 0.5 (logit > 0, as in DNANet).
        match_distance (float): Centroid distance in pixels below which
            (strictly) a prediction matches a target. Defaults to 3.0.
        thresholds (Sequence[float], optional): Extra thresholds in (0, 1)
            evaluated in the same pass. Defaults to None.
        collect_device (str): Device used to collect results across ranks,
            'cpu' or 'gpu'. Defaults to 'cpu'.
        prefix (str, optional): Prefix added to the metric names.
            Defaults to None.
    """

    def __init__(self,
                 threshold: float = 0.5,
                 match_distance: float = 3.0,
                 thresholds: Optional[Sequence[float]] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.threshold = self._check_threshold(threshold, 'threshold')
        if (isinstance(match_distance, bool)
                or not isinstance(match_distance, Real)
                or not match_distance > 0):
            raise ValueError('match_distance must be a positive number, got '
                             f'{match_distance!r}.')
        self.match_distance = float(match_distance)
        if thresholds is None:
            thresholds = ()
        if isinstance(thresholds, (str, bytes)) or not hasattr(
                thresholds, '__iter__'):
            raise ValueError('thresholds must be a sequence of floats in '
                             f'(0, 1) or None, got {thresholds!r}.')
        self.thresholds = [
            self._check_threshold(t, 'thresholds') for t in thresholds
        ]
        labels = [self._label(t) for t in self.thresholds]
        duplicates = sorted({lab for lab in labels if labels.count(lab) > 1})
        if duplicates:
            raise ValueError(
                'thresholds must be distinct at two decimals, got duplicates '
                f'{duplicates} in {self.thresholds}.')
        # Unique thresholds actually evaluated, main threshold first.
        self._eval_thresholds: List[float] = []
        for t in [self.threshold] + self.thresholds:
            if t not in self._eval_thresholds:
                self._eval_thresholds.append(t)

    @staticmethod
    def _check_threshold(value: Any, name: str) -> float:
        """Validate one probability threshold and return it as a float."""
        if (isinstance(value, bool) or not isinstance(value, Real)
                or not 0 < value < 1):
            raise ValueError(f'{name}: a threshold must be a probability '
                             f'strictly between 0 and 1, got {value!r}.')
        return float(value)

    @staticmethod
    def _label(threshold: float) -> str:
        """Format a threshold for metric keys, e.g. 0.3 -> '0.30'."""
        return f'{threshold:.2f}'

    def _probability(self, data_sample: Mapping) -> np.ndarray:
        """Extract the (H, W) foreground probability of one data sample."""
        data = _pixel_data(data_sample, 'seg_logits')
        if data is None:
            raise ValueError(
                'IRSTDMetric expects a one-channel binary head: the data '
                "sample has no 'seg_logits' (the sigmoid probability that "
                'mmseg stores for a head with out_channels=1).')
        prob = _to_numpy(data)
        if prob.ndim == 3 and prob.shape[0] == 1:
            prob = prob[0]
        if prob.ndim != 2:
            raise ValueError(
                'IRSTDMetric expects a one-channel binary head: '
                f"'seg_logits' must have shape (1, H, W), got {prob.shape}.")
        if prob.size and (prob.min() < 0 or prob.max() > 1):
            raise ValueError(
                "IRSTDMetric expects 'seg_logits' to hold the sigmoid "
                'probability of a one-channel head (values in [0, 1]), got '
                f'values in [{prob.min()}, {prob.max()}].')
        return prob

    @staticmethod
    def _ground_truth(data_sample: Mapping) -> np.ndarray:
        """Extract the (H, W) boolean ground-truth mask of one data sample."""
        data = _pixel_data(data_sample, 'gt_sem_seg')
        if data is None:
            raise ValueError("The data sample has no 'gt_sem_seg'.")
        gt = _to_numpy(data)
        if gt.ndim == 3 and gt.shape[0] == 1:
            gt = gt[0]
        return _as_binary_mask(gt, "'gt_sem_seg'")

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        """Compute and store the per-image counts of a batch.

        Args:
            data_batch (Any): A batch from the dataloader (unused).
            data_samples (Sequence[dict]): Model outputs as dicts, each with
                ``seg_logits.data`` of shape (1, H, W) (sigmoid probability)
                and ``gt_sem_seg.data`` of shape (1, H, W) (nonzero pixels
                are target), both at the original image size.
        """
        for data_sample in data_samples:
            prob = self._probability(data_sample)
            gt = self._ground_truth(data_sample)
            counts = threshold_image_counts(prob, gt, self._eval_thresholds,
                                            self.match_distance)
            self.results.append(tuple(tuple(c) for c in counts))

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Compute the metrics from the collected per-image counts.

        Args:
            results (list): One entry per image, as stored by
                :meth:`process`.

        Returns:
            dict[str, float]: ``IoU``, ``nIoU`` and ``Pd`` in percent and
            ``Fa_1e-6`` in units of 1e-6 at ``threshold``, plus the same
            keys suffixed with ``@<threshold>`` for each extra threshold.
        """
        scores = []
        for idx in range(len(self._eval_thresholds)):
            summary = summarize_counts([result[idx] for result in results])
            scores.append(
                dict(
                    IoU=summary['IoU'] * 100,
                    nIoU=summary['nIoU'] * 100,
                    Pd=summary['Pd'] * 100,
                    Fa=summary['Fa'] * 1e6))
        num_targets = sum(result[0][2] for result in results)
        if results and num_targets == 0:
            print_log(
                'IRSTDMetric: the ground truth contains no target, Pd is '
                'reported as 0.',
                logger='current',
                level=logging.WARNING)

        metrics: Dict[str, float] = {}
        rows = []
        for suffix, threshold in [('', self.threshold)] + [
            (f'@{self._label(t)}', t) for t in self.thresholds
        ]:
            score = scores[self._eval_thresholds.index(threshold)]
            metrics[f'IoU{suffix}'] = score['IoU']
            metrics[f'nIoU{suffix}'] = score['nIoU']
            metrics[f'Pd{suffix}'] = score['Pd']
            metrics[f'Fa_1e-6{suffix}'] = score['Fa']
            rows.append([
                self._label(threshold), f"{score['IoU']:.2f}",
                f"{score['nIoU']:.2f}", f"{score['Pd']:.2f}",
                f"{score['Fa']:.3f}"
            ])
        self._log_table(rows, len(results), num_targets)
        return metrics

    def _log_table(self, rows: List[List[str]], num_images: int,
                   num_targets: int) -> None:
        """Log the per-threshold results as a table."""
        header = ['threshold', 'IoU (%)', 'nIoU (%)', 'Pd (%)', 'Fa (1e-6)']
        if PrettyTable is not None:
            table = PrettyTable()
            table.field_names = header
            for row in rows:
                table.add_row(row)
            text = table.get_string()
        else:  # pragma: no cover - prettytable is an mmseg dependency
            text = '\n'.join(' | '.join(row) for row in [header] + rows)
        print_log(
            f'IRSTD results on {num_images} images with {num_targets} '
            f'targets (centroid distance < {self.match_distance:g}):\n' +
            text,
            logger='current')
