"""8-connected components of a binary mask and greedy centroid matching.

These are the target-level building blocks of Pd and Fa: DNANet's and
BasicIRSTD's ``PD_FA`` label prediction and ground truth with
``skimage.measure.label(connectivity=2)`` (8-connectivity) and match them
greedily by centroid distance. We label with OpenCV, which is much faster,
and restore skimage's raster label order explicitly.
"""
from typing import Any, NamedTuple

import cv2
import numpy as np


class Components(NamedTuple):
    """8-connected components of a binary mask.

    Attributes:
        centroids (np.ndarray): Float64 array of shape (N, 2) holding the
            (row, col) centroid of each component.
        areas (np.ndarray): Int64 array of shape (N,) holding the number of
            pixels of each component.
        boxes (np.ndarray): Int64 array of shape (N, 4) holding the
            bounding box of each component as (x, y, width, height).
        labels (np.ndarray): Int32 label image of shape (H, W), 0 for
            background; its label numbers are OpenCV's, not the order here.
        label_ids (np.ndarray): Int64 array of shape (N,): the value of each
            component in ``labels``.
    """

    centroids: np.ndarray
    areas: np.ndarray
    boxes: np.ndarray
    labels: np.ndarray
    label_ids: np.ndarray


def as_binary_mask(mask: Any, name: str) -> np.ndarray:
    """Convert a 2-D array-like mask to a boolean array.

    Args:
        mask (Any): Array of shape (H, W); nonzero pixels are foreground.
        name (str): Name of the argument, used in the error message.

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
        Components: ``centroids`` of shape (N, 2) as (row, col), ``areas``
        of shape (N,), ``boxes`` of shape (N, 4), the label image and each
        component's label in it.
    """
    mask = as_binary_mask(mask, 'mask')
    if mask.size == 0 or not mask.any():
        return Components(
            centroids=np.zeros((0, 2), dtype=np.float64),
            areas=np.zeros((0, ), dtype=np.int64),
            boxes=np.zeros((0, 4), dtype=np.int64),
            labels=np.zeros(mask.shape, dtype=np.int32),
            label_ids=np.zeros((0, ), dtype=np.int64))
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
    box_columns = [
        cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP, cv2.CC_STAT_WIDTH,
        cv2.CC_STAT_HEIGHT
    ]
    return Components(
        centroids=centroids[1:][order][:, ::-1].astype(np.float64),
        areas=stats[1:, cv2.CC_STAT_AREA][order].astype(np.int64),
        boxes=stats[1:][order][:, box_columns].astype(np.int64),
        labels=labels,
        label_ids=(order + 1).astype(np.int64))


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
