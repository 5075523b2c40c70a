"""IRSTD evaluator: IoU, nIoU, Pd, Fa, hIoU and (optionally) HSE in one pass.

A thin mmengine ``BaseMetric`` over :mod:`mmdsad.evaluation.functional`:
``process`` turns each image into integer counts at every threshold any
output needs (the ground truth labelled once per image), and
``compute_metrics`` reduces them.
"""
import logging
from numbers import Real
from typing import Any, Dict, List, Mapping, Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from mmseg.registry import METRICS
from prettytable import PrettyTable

from ..functional import (
    DEFAULT_FA_REF,
    DEFAULT_HSE_THRESHOLDS,
    DEFAULT_PROTOCOL,
    as_binary_mask,
    check_fa_ref,
    check_niou_empty,
    check_protocol,
    describe_protocol,
    hse_scores,
    summarize_counts,
    threshold_image_counts,
)

HSE_LABEL = 'HSE (mmdsad definition, not published by FDEP)'
NIOU_EMPTY_NOTES = {
    'zero': 'images without a target count in nIoU and score 0 '
    "(niou_empty='zero', as ACM and PyIRSTDMetrics)",
    'skip': "images without a target are left out of nIoU (niou_empty="
    "'skip')",
}
FA_NOTE = ('Fa in units of 1e-6; every predicted pixel of an image without '
           'a target is a false alarm')


def _check_threshold(value: Any, name: str) -> float:
    """Validate one probability threshold and return it as a float."""
    if (isinstance(value, bool) or not isinstance(value, Real)
            or not 0 < value < 1):
        raise ValueError(f'{name}: a threshold must be a probability '
                         f'strictly between 0 and 1, got {value!r}.')
    return float(value)


def _check_thresholds(values: Any, name: str) -> List[float]:
    """Validate a sequence of thresholds, distinct at two decimals."""
    if isinstance(values, (str, bytes)) or not hasattr(values, '__iter__'):
        raise ValueError(f'{name} must be a sequence of floats in (0, 1) or '
                         f'None, got {values!r}.')
    checked = [_check_threshold(t, name) for t in values]
    labels = [_label(t) for t in checked]
    duplicates = sorted({lab for lab in labels if labels.count(lab) > 1})
    if duplicates:
        raise ValueError(f'{name} must be distinct at two decimals, got '
                         f'duplicates {duplicates} in {checked}.')
    return checked


def _label(threshold: float) -> str:
    """Format a threshold for metric keys, e.g. 0.3 -> '0.30'."""
    return f'{threshold:.2f}'


def _pixel_data(data_sample: Mapping, key: str) -> Optional[np.ndarray]:
    """``data_sample[key].data`` as a numpy array, None when it is missing."""
    field = data_sample.get(key, None)
    data = field.get('data', None) if isinstance(field, Mapping) else getattr(
        field, 'data', None)
    if data is None:
        return None
    if isinstance(data, torch.Tensor):
        data = data.detach().cpu()
        return (data.float() if data.is_floating_point() else data).numpy()
    return np.asarray(data)


@METRICS.register_module()
class IRSTDMetric(BaseMetric):
    """IoU, nIoU, Pd, Fa, hIoU and HSE of one-channel (binary) IRSTD models.

    The metric reads the sigmoid probability that mmseg's
    ``BaseSegmentor.postprocess_result`` stores in ``seg_logits`` for a
    one-channel head, at the original image size, and thresholds it itself
    (``prob > threshold``); ``pred_sem_seg`` is not used.

    Reported values (definitions in :mod:`mmdsad.evaluation.functional`):
    ``IoU`` (dataset-level), ``nIoU`` (mean per image) and ``Pd`` in
    percent, ``Fa_1e-6`` in units of 1e-6. Targets are 8-connected
    components; how they are matched and false alarms counted is the
    ``protocol`` (:mod:`~mmdsad.evaluation.functional.protocols`): by
    default BasicIRSTD's greedy centroid matching (distance
    ``< match_distance``, 3 px in BasicIRSTD and DNANet) with exact
    false-alarm pixels. ``'opdc'`` also reports ``hIoU`` (percent). With
    ``thresholds``, the same values are also reported per extra threshold
    as ``IoU@0.30``, ``Pd@0.30``, ``Fa_1e-6@0.30`` etc. (a Pd-Fa curve:
    tools/analysis_tools/plot_roc.py). With ``hse``,
    ``HSE``, ``HSE_pixel`` and ``HSE_target`` (percent; **our definition**,
    FDEP does not publish one, see :mod:`~mmdsad.evaluation.functional.hse`)
    come from the same per-image counts at ``hse_thresholds``.

    Only small integer counts per image are kept in ``self.results``, so
    results can be collected across processes cheaply.

    Args:
        threshold (float): Threshold on the sigmoid probability, in (0, 1).
            Defaults to 0.5 (logit > 0, as in DNANet).
        match_distance (float): Centroid distance in pixels below which
            (strictly) a prediction matches a target ('basicirstd',
            'dnanet', 'opdc'; the shooting rule has its own boxes).
            Defaults to 3.0.
        thresholds (Sequence[float], optional): Extra thresholds in (0, 1)
            reported per threshold. Defaults to None.
        hse (bool): Also report HSE. Defaults to False.
        hse_thresholds (Sequence[float], optional): Thresholds HSE averages
            over. Defaults to None: 0.05, 0.10, ..., 0.95.
        hse_fa_ref (float): HSE's reference false-alarm rate per pixel.
            Defaults to 1e-4.
        protocol (str): How Pd and Fa count: 'basicirstd', 'dnanet',
            'opdc' or 'shooting'. Defaults to 'basicirstd'.
        niou_empty (str): nIoU's rule for images without a target: 'zero'
            (they count and score 0, as ACM's and PyIRSTDMetrics' nIoU) or
            'skip' (left out of the nIoU mean). Their false alarms count
            in Fa under either rule. Defaults to 'zero'.
        collect_device (str): Device used to collect results across ranks,
            'cpu' or 'gpu'. Defaults to 'cpu'.
        prefix (str, optional): Prefix added to the metric names.
            Defaults to None.
    """

    def __init__(self,
                 threshold: float = 0.5,
                 match_distance: float = 3.0,
                 thresholds: Optional[Sequence[float]] = None,
                 hse: bool = False,
                 hse_thresholds: Optional[Sequence[float]] = None,
                 hse_fa_ref: float = DEFAULT_FA_REF,
                 protocol: str = DEFAULT_PROTOCOL,
                 niou_empty: str = 'zero',
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.threshold = _check_threshold(threshold, 'threshold')
        if (isinstance(match_distance, bool)
                or not isinstance(match_distance, Real)
                or not match_distance > 0):
            raise ValueError('match_distance must be a positive number, got '
                             f'{match_distance!r}.')
        self.match_distance = float(match_distance)
        self.thresholds = _check_thresholds(thresholds or (), 'thresholds')
        self.hse = bool(hse)
        self.hse_thresholds = _check_thresholds(
            DEFAULT_HSE_THRESHOLDS if hse_thresholds is None else
            hse_thresholds, 'hse_thresholds') if self.hse else []
        if self.hse and not self.hse_thresholds:
            raise ValueError('hse_thresholds must not be empty.')
        self.hse_fa_ref = check_fa_ref(hse_fa_ref)
        self.protocol = check_protocol(protocol)
        self.niou_empty = check_niou_empty(niou_empty)
        # Every threshold any output needs, each evaluated once per image.
        self._eval_thresholds = list(
            dict.fromkeys([self.threshold, *self.thresholds,
                           *self.hse_thresholds]))

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
            counts = threshold_image_counts(
                self._probability(data_sample),
                self._ground_truth(data_sample), self._eval_thresholds,
                self.match_distance, self.protocol)
            self.results.append(tuple(tuple(c) for c in counts))

    @staticmethod
    def _probability(data_sample: Mapping) -> np.ndarray:
        """The (H, W) foreground probability of one data sample."""
        prob = _pixel_data(data_sample, 'seg_logits')
        if prob is None:
            raise ValueError(
                'IRSTDMetric expects a one-channel binary head: the data '
                "sample has no 'seg_logits' (the sigmoid probability that "
                'mmseg stores for a head with out_channels=1).')
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
        """The (H, W) boolean ground-truth mask of one data sample."""
        gt = _pixel_data(data_sample, 'gt_sem_seg')
        if gt is None:
            raise ValueError("The data sample has no 'gt_sem_seg'.")
        if gt.ndim == 3 and gt.shape[0] == 1:
            gt = gt[0]
        return as_binary_mask(gt, "'gt_sem_seg'")

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Compute the metrics from the collected per-image counts.

        Args:
            results (list): One entry per image, as stored by
                :meth:`process`.

        Returns:
            dict[str, float]: ``IoU``, ``nIoU`` and ``Pd`` in percent,
            ``Fa_1e-6`` in units of 1e-6 (and for 'opdc' ``hIoU`` in
            percent) at ``threshold``, the same keys suffixed with
            ``@<threshold>`` for each extra threshold, and with ``hse``
            ``HSE``, ``HSE_pixel``, ``HSE_target`` in percent.
        """
        hiou = self.protocol == 'opdc'
        summaries = {
            t: summarize_counts([result[idx] for result in results],
                                self.niou_empty, hiou)
            for idx, t in enumerate(self._eval_thresholds)
        }
        num_targets = sum(result[0][2] for result in results)
        if results and num_targets == 0:
            print_log(
                'IRSTDMetric: the ground truth contains no target, Pd is '
                'reported as 0.',
                logger='current',
                level=logging.WARNING)
        names = ['IoU', 'nIoU', 'Pd', 'Fa_1e-6'] + (['hIoU'] if hiou else [])
        headers = {
            'IoU': 'IoU (%)',
            'nIoU': 'nIoU (%)',
            'Pd': 'Pd (%)',
            'Fa_1e-6': 'Fa (×1e-6)',
            'hIoU': 'hIoU (%)'
        }
        metrics: Dict[str, float] = {}
        table = PrettyTable(['threshold'] + [headers[n] for n in names])
        for suffix, t in [('', self.threshold)] + [
            (f'@{_label(t)}', t) for t in self.thresholds
        ]:
            summary = summaries[t]
            scores = {
                name: summary[name] * 100 if name != 'Fa_1e-6' else
                summary['Fa'] * 1e6
                for name in names
            }
            metrics.update({f'{k}{suffix}': v for k, v in scores.items()})
            table.add_row([_label(t)] +
                          [f'{v:.{3 if k == "Fa_1e-6" else 2}f}'
                           for k, v in scores.items()])
        text = table.get_string()
        if self.hse:
            hse = hse_scores([summaries[t] for t in self.hse_thresholds],
                             self.hse_fa_ref)
            metrics.update({k: v * 100 for k, v in hse.items()})
            text += (
                f'\n{HSE_LABEL}: HSE {hse["HSE"] * 100:.2f} = (pixel '
                f'{hse["HSE_pixel"] * 100:.2f} + target '
                f'{hse["HSE_target"] * 100:.2f}) / 2 over '
                f'{len(self.hse_thresholds)} thresholds '
                f'{_label(min(self.hse_thresholds))}-'
                f'{_label(max(self.hse_thresholds))}, '
                f'Fa_ref {self.hse_fa_ref:g}')
        num_empty = sum(1 for result in results if result[0][2] == 0)
        print_log(
            f'IRSTD results on {len(results)} images ({num_empty} without '
            f'a target) with {num_targets} targets, protocol '
            f"'{self.protocol}' ("
            f'{describe_protocol(self.protocol, self.match_distance)}):\n' +
            text + f'\n{FA_NOTE}; {NIOU_EMPTY_NOTES[self.niou_empty]}.',
            logger='current')
        return metrics
