"""The Pd / Fa protocols of the IRSTD literature, on labelled components.

IoU and nIoU are pixel metrics and the same in every protocol (DNANet's
computes them at 256x256, see below). Pd and Fa are target metrics, and the
reference implementations count them differently:

``'basicirstd'`` (default; ``XinyiYing/BasicIRSTD:metrics.py`` since commit
6576e62)
    Images at their original size. Targets and predictions are 8-connected
    components; each target, in raster order, takes the first remaining
    predicted component (raster order) whose centroid is closer than
    ``match_distance`` (3 px). Fa counts the pixels of the unmatched
    predicted components over all pixels of all images.

``'dnanet'`` (``YeRen123455/Infrared-Small-Target-Detection:model/metric.py``,
copied by AMFU-Net and DMFNet)
    The image and mask are resized to 256x256 first (image bilinear, mask
    nearest, in its ``TestSetLoader``), so IoU, nIoU, Pd and Fa are counted
    on 256x256 maps and Fa is divided by 256 * 256 * N. The same greedy
    matching; but Fa sums the areas of the predicted components whose
    *area value* differs from every matched component's area, so an
    unmatched component as large as a matched one is not a false alarm
    (the quirk BasicIRSTD's commit 6576e62 fixed).

``'opdc'`` (PyIRSTDMetrics ``MatchingBasedMetrics`` + ``OPDCMatching``,
Pang et al., NeurIPS 2025)
    One-to-one assignment in two passes: a minimum-total-centroid-distance
    assignment (Hungarian) over all pairs, keeping the pairs whose pixel IoU
    is at least 0.5; then the same over the targets and predictions left,
    keeping the pairs closer than ``match_distance``. Fa as in
    'basicirstd'. Also gives hIoU = (mean IoU of the matched pairs) x
    (matched / (matched + unmatched targets + unmatched predictions)).
    The assignment minimises the total distance over all pairs, near or
    far, so a missed target far away can take a stray component and leave
    a well-overlapping one to a pairing that fails both tests: OPDC may
    detect fewer targets than greedy matching as well as more.
    PyIRSTDMetrics pads its pair matrices to at least 1x1, so it counts an
    image without targets as one phantom missed target (in Pd and hIoU)
    and an image without predicted components as one phantom unmatched
    prediction (in hIoU); here only real components count.

``'shooting'`` (DTUM's ``ShootingRules.py``, as PyIRSTDMetrics'
``ShootingRuleBasedProbabilityDetectionAndFalseAlarmRate`` counts it)
    A target is detected when any predicted pixel lies within 1 px
    (Chebyshev: its 3x3 neighbourhood) of any of its pixels; one prediction
    may detect several targets. False alarms are the predicted pixels more
    than 4 px (Chebyshev) from every target pixel, i.e. outside the 9x9
    boxes around them; predicted pixels near a target are never false
    alarms. Windows are clipped at the image border, as PyIRSTDMetrics
    does. DTUM's own slicing with a negative start gives a zero-size window
    to a target pixel in the first row or column (hit window) or in the
    first four (clear box), so it misses targets on the top or left border
    and counts predicted pixels next to targets near it as false alarms.

Every protocol thresholds strictly (``prob > t``; DTUM's own code uses
``>=``). In an image without targets every predicted pixel is a false alarm
in all four, and its pixels count in Fa's denominator.
"""
from typing import Any, Tuple

import cv2
import numpy as np
from scipy.optimize import linear_sum_assignment

from .components import Components

PROTOCOLS = ('basicirstd', 'dnanet', 'opdc', 'shooting')
DEFAULT_PROTOCOL = 'basicirstd'
# DNANet's TestSetLoader resizes every image and mask to base_size x
# base_size (256) before the network and the metric see them.
DNANET_SIZE = (256, 256)
# OPDC's first pass keeps a pair whose pixel IoU reaches this.
OPDC_MIN_IOU = 0.5
# The shooting rule's two boxes: hit within 1 px, no false alarm within 4.
SHOOTING_HIT_RADIUS = 1
SHOOTING_CLEAR_RADIUS = 4

PROTOCOL_SUMMARIES = {
    'basicirstd': 'BasicIRSTD: original size; greedy centroid matching '
    '(< {d:g} px); Fa = pixels of unmatched predicted components / all '
    'pixels',
    'dnanet': 'DNANet: maps resized to 256x256; greedy centroid matching '
    '(< {d:g} px); Fa skips unmatched components as large as a matched one, '
    '/ (256*256*N)',
    'opdc': 'PyIRSTDMetrics OPDC: one-to-one assignment, IoU >= 0.5 first, '
    'then centroid distance < {d:g} px; Fa = pixels of unmatched predicted '
    'components / all pixels; hIoU',
    'shooting': "DTUM's shooting rule: a target is hit by a predicted pixel "
    'within 1 px; Fa = predicted pixels over 4 px from every target / all '
    'pixels',
}


def check_protocol(protocol: Any) -> str:
    """Validate a protocol name.

    Args:
        protocol (Any): One of :data:`PROTOCOLS`.

    Returns:
        str: ``protocol``.
    """
    if not isinstance(protocol, str) or protocol not in PROTOCOLS:
        raise ValueError(f'protocol must be one of {PROTOCOLS}, got '
                         f'{protocol!r}.')
    return protocol


def describe_protocol(protocol: str, match_distance: float = 3.0) -> str:
    """One line saying how a protocol counts Pd and Fa.

    Args:
        protocol (str): One of :data:`PROTOCOLS`.
        match_distance (float): The centroid distance of the matching
            protocols. Defaults to 3.0.

    Returns:
        str: The description.
    """
    return PROTOCOL_SUMMARIES[check_protocol(protocol)].format(
        d=match_distance)


def resize_for_dnanet(prob: np.ndarray,
                      gt: np.ndarray,
                      size: Tuple[int, int] = DNANET_SIZE
                      ) -> Tuple[np.ndarray, np.ndarray]:
    """Resize a probability map and its mask as DNANet's test loader does.

    DNANet resizes the image bilinearly and the mask with PIL's nearest
    neighbour (pixel centres: OpenCV's ``INTER_NEAREST_EXACT``), and the
    network predicts at 256x256. Here the prediction already exists at the
    original size, so the probability map is resized bilinearly in its
    place; maps already at ``size`` are returned unchanged.

    Args:
        prob (np.ndarray): (H, W) probability map.
        gt (np.ndarray): (H, W) boolean mask.
        size (tuple[int, int]): Output (height, width). Defaults to
            (256, 256).

    Returns:
        tuple[np.ndarray, np.ndarray]: The resized float32 probability map
        and boolean mask.
    """
    height, width = size
    if prob.shape == (height, width):
        return prob, gt
    prob = cv2.resize(
        np.ascontiguousarray(prob, dtype=np.float32), (width, height),
        interpolation=cv2.INTER_LINEAR)
    gt = cv2.resize(
        np.ascontiguousarray(gt, dtype=np.uint8), (width, height),
        interpolation=cv2.INTER_NEAREST_EXACT) != 0
    return prob, gt


def _ranks(components: Components) -> np.ndarray:
    """Map each label value of ``components.labels`` to its component index
    (-1 for the background)."""
    size = int(components.label_ids.max()) + 1 if len(
        components.label_ids) else 1
    ranks = np.full(size, -1, dtype=np.int64)
    ranks[components.label_ids] = np.arange(len(components.label_ids))
    return ranks


def pair_ious(gt_components: Components,
              pred_components: Components) -> np.ndarray:
    """Pixel IoU of every (target, predicted component) pair.

    Args:
        gt_components (Components): The targets, as
            :func:`label_components` gives them.
        pred_components (Components): The predicted components, same size.

    Returns:
        np.ndarray: Float64 array of shape (G, P).
    """
    num_gt, num_pred = len(gt_components.areas), len(pred_components.areas)
    if num_gt == 0 or num_pred == 0:
        return np.zeros((num_gt, num_pred), dtype=np.float64)
    gt_labels = gt_components.labels.ravel()
    pred_labels = pred_components.labels.ravel()
    both = np.flatnonzero((gt_labels > 0) & (pred_labels > 0))
    gt_rank = _ranks(gt_components)[gt_labels[both]]
    pred_rank = _ranks(pred_components)[pred_labels[both]]
    inter = np.bincount(
        gt_rank * num_pred + pred_rank,
        minlength=num_gt * num_pred).reshape(num_gt, num_pred)
    union = (gt_components.areas[:, None] + pred_components.areas[None, :] -
             inter)
    return inter / union


def opdc_match(gt_components: Components,
               pred_components: Components,
               match_distance: float,
               min_iou: float = OPDC_MIN_IOU
               ) -> Tuple[np.ndarray, np.ndarray]:
    """OPDC's one-to-one matching (overlap priority, distance compensation).

    1. A minimum-total-distance assignment (``linear_sum_assignment``) of
       targets to predicted components over all their centroid distances;
       an assigned pair is kept when its pixel IoU is at least ``min_iou``.
    2. Over the targets and components still unassigned, the same
       assignment again; a pair is kept when its centroid distance is below
       ``match_distance``.

    The components come in raster order (skimage's label order, which the
    reference uses), so ties are broken as the reference breaks them.

    Args:
        gt_components (Components): The targets.
        pred_components (Components): The predicted components.
        match_distance (float): Centroid distance (strict ``<``) of pass 2.
        min_iou (float): Pixel IoU (``>=``) of pass 1. Defaults to 0.5.

    Returns:
        tuple[np.ndarray, np.ndarray]: For each target the index of its
        predicted component or -1 (int64, shape (G,)), and the (G, P) pair
        IoUs.
    """
    num_gt, num_pred = len(gt_components.areas), len(pred_components.areas)
    matches = np.full(num_gt, -1, dtype=np.int64)
    ious = pair_ious(gt_components, pred_components)
    if num_gt == 0 or num_pred == 0:
        return matches, ious
    diff = (gt_components.centroids[:, None, :] -
            pred_components.centroids[None, :, :])
    distance = np.sqrt(np.sum(diff * diff, axis=-1))
    matched = np.zeros((num_gt, num_pred), dtype=bool)
    overlapping = ious >= min_iou
    if overlapping.any():
        rows, cols = linear_sum_assignment(distance)
        matched[rows, cols] = True
        matched &= overlapping
    close = distance < match_distance
    if close.any():
        free_gt = np.flatnonzero(~matched.any(axis=1))
        free_pred = np.flatnonzero(~matched.any(axis=0))
        rows, cols = linear_sum_assignment(distance[free_gt][:, free_pred])
        for row, col in zip(free_gt[rows], free_pred[cols]):
            if close[row, col]:
                matched[row, col] = True
    gt_idx, pred_idx = np.nonzero(matched)
    matches[gt_idx] = pred_idx
    return matches, ious


def dnanet_false_alarm_pixels(pred_areas: np.ndarray,
                              matched: np.ndarray) -> int:
    """DNANet's false-alarm pixels: areas not equal to any matched area.

    Args:
        pred_areas (np.ndarray): (P,) areas of the predicted components.
        matched (np.ndarray): Indices of the matched components.

    Returns:
        int: The summed areas of the components whose area value is not
        the area of a matched component.
    """
    matched_areas = np.unique(pred_areas[matched])
    return int(pred_areas[~np.isin(pred_areas, matched_areas)].sum())


def _box_dilate(mask: np.ndarray, radius: int) -> np.ndarray:
    """Pixels within Chebyshev distance ``radius`` of a foreground pixel
    (clipped at the border: outside pixels are never foreground)."""
    kernel = np.ones((2 * radius + 1, 2 * radius + 1), dtype=np.uint8)
    return cv2.dilate(
        np.ascontiguousarray(mask, dtype=np.uint8),
        kernel,
        borderType=cv2.BORDER_CONSTANT,
        borderValue=0) != 0


def shooting_counts(gt_components: Components,
                    gt: np.ndarray,
                    pred: np.ndarray,
                    hit_radius: int = SHOOTING_HIT_RADIUS,
                    clear_radius: int = SHOOTING_CLEAR_RADIUS
                    ) -> Tuple[int, int]:
    """Detected targets and false-alarm pixels under DTUM's shooting rule.

    Args:
        gt_components (Components): The targets (8-connected).
        gt (np.ndarray): (H, W) boolean mask.
        pred (np.ndarray): (H, W) boolean prediction.
        hit_radius (int): A target is hit by a predicted pixel within this
            Chebyshev distance of one of its pixels. Defaults to 1.
        clear_radius (int): Predicted pixels farther than this from every
            target pixel are false alarms. Defaults to 4.

    Returns:
        tuple[int, int]: The number of targets hit and of false-alarm
        pixels.
    """
    num_gt = len(gt_components.areas)
    hit = 0
    if num_gt and pred.any():
        near_pred = _box_dilate(pred, hit_radius)
        labels = gt_components.labels[near_pred & gt]
        hit = int(np.count_nonzero(np.unique(labels)))
    shielded = _box_dilate(gt, clear_radius) if num_gt else np.zeros_like(
        gt, dtype=bool)
    return hit, int(np.count_nonzero(pred & ~shielded))
