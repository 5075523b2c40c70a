"""Targets of a probability map: its mask's 8-connected components."""
from dataclasses import asdict, dataclass
from typing import List, Tuple

import numpy as np
from scipy import ndimage

from mmdsad.evaluation.functional import label_components


@dataclass
class Target:
    """One detected target.

    Attributes:
        centroid (tuple[float, float]): (row, col) of the component's
            centroid, in pixels of the original frame.
        bbox (tuple[int, int, int, int]): (x, y, width, height).
        area (int): Pixels in the component.
        peak (float): Highest probability inside the component.
    """

    centroid: Tuple[float, float]
    bbox: Tuple[int, int, int, int]
    area: int
    peak: float

    def to_dict(self) -> dict:
        """The target as plain JSON-ready values."""
        return asdict(self)


def find_targets(probabilities: np.ndarray,
                 threshold: float) -> Tuple[np.ndarray, List[Target]]:
    """Threshold a probability map and describe its components.

    The components are the evaluator's (:func:`label_components`:
    8-connectivity, raster order), so a target here is a predicted target
    in Pd / Fa.

    Args:
        probabilities (np.ndarray): Float array of shape (H, W).
        threshold (float): A pixel is a target pixel above it (strict, as
            mmseg's binary prediction).

    Returns:
        tuple[np.ndarray, list[Target]]: Boolean mask of shape (H, W) and
        the targets in raster order.
    """
    mask = probabilities > threshold
    components = label_components(mask)
    peaks = ndimage.maximum(probabilities, components.labels,
                            components.label_ids) if len(
                                components.areas) else []
    targets = [
        Target(
            centroid=(float(centroid[0]), float(centroid[1])),
            bbox=tuple(int(v) for v in box),
            area=int(area),
            peak=float(peak)) for centroid, box, area, peak in zip(
                components.centroids, components.boxes, components.areas,
                np.atleast_1d(peaks))
    ]
    return mask, targets
