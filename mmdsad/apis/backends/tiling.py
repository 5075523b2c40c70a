"""The tiles of sliced inference, and stitching their outputs."""
from typing import List, Tuple

import numpy as np

# (top, bottom, left, right) of one tile, in pixels of the padded frame.
Window = Tuple[int, int, int, int]
# Probabilities are clipped this far from 0 and 1 before their logit is
# taken: float32 rounds 1 - 2**-25 to 1, whose logit is infinite.
PROBABILITY_MARGIN = 2.0**-24


def slide_windows(height: int, width: int, crop: Tuple[int, int],
                  stride: Tuple[int, int]) -> List[Window]:
    """The tiles mmseg's ``EncoderDecoder.slide_inference`` cuts.

    Rows then columns, ``stride`` apart; the last tile of a row or column
    is aligned with the frame's edge, and a frame smaller than ``crop`` is
    one tile of its own size.

    Args:
        height (int): Frame height (padded to the network's stride).
        width (int): Frame width.
        crop (tuple[int, int]): Tile (height, width).
        stride (tuple[int, int]): Step (rows, columns).

    Returns:
        list[Window]: (top, bottom, left, right) of every tile; all have
        the same size.
    """
    (crop_h, crop_w), (stride_h, stride_w) = crop, stride
    rows = max(height - crop_h + stride_h - 1, 0) // stride_h + 1
    cols = max(width - crop_w + stride_w - 1, 0) // stride_w + 1
    windows = []
    for row in range(rows):
        bottom = min(row * stride_h + crop_h, height)
        top = max(bottom - crop_h, 0)
        for col in range(cols):
            right = min(col * stride_w + crop_w, width)
            windows.append((top, bottom, max(right - crop_w, 0), right))
    return windows


def probability_logits(probabilities: np.ndarray) -> np.ndarray:
    """Logits of sigmoid outputs, within about ±16.6.

    Args:
        probabilities (np.ndarray): Float32 probabilities, any shape.

    Returns:
        np.ndarray: Float64 logits of the same shape.
    """
    clipped = np.clip(probabilities.astype(np.float64), PROBABILITY_MARGIN,
                      1 - PROBABILITY_MARGIN)
    return np.log(clipped) - np.log1p(-clipped)
