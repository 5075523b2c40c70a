"""What :class:`mmdsad.apis.IRSTDInferencer` gives back per frame."""
from dataclasses import dataclass, field
from typing import Dict, List, NamedTuple, Optional

import numpy as np

from .targets import Target


@dataclass
class FrameResult:
    """What the network found in one frame.

    Attributes:
        name (str): File name (or ``array_<index>``).
        pixels (np.ndarray): Float32 (H, W, 3) RGB in [0, 255], the frame
            as the network saw it (16-bit scaled).
        probabilities (np.ndarray): Float32 (H, W) at the frame's size.
        mask (np.ndarray): Bool (H, W), probabilities above the threshold.
        targets (list[Target]): The mask's 8-connected components.
        overlay (np.ndarray, optional): uint8 (H, W, 3) RGB drawn by the
            inferencer's :class:`mmdsad.visualization.IRSTDVisualizer`
            (with ``return_vis=True``).
    """

    name: str
    pixels: np.ndarray
    probabilities: np.ndarray
    mask: np.ndarray
    targets: List[Target] = field(default_factory=list)
    overlay: Optional[np.ndarray] = None


@dataclass
class SkippedFrame:
    """A frame that could not be read: its name and why."""

    name: str
    reason: str


class Chunk(NamedTuple):
    """Up to ``batch_size`` consecutive frames, preprocessed.

    Attributes:
        names (list[str]): Every frame's name, in order.
        skipped (dict[int, SkippedFrame]): The unreadable ones, by position.
        data (dict | None): The readable ones collated (``inputs``,
            ``data_samples``), None if there are none.
    """

    names: List[str]
    skipped: Dict[int, SkippedFrame]
    data: Optional[dict]
