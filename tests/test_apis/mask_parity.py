"""Masks of two runtimes compared away from float noise at the threshold.

Two correct runtimes (PyTorch and ONNX Runtime, one thread or two) may put a
pixel whose probability lies within float noise of a threshold on different
sides of it. Masks, and the targets built from them, are therefore compared
only where the reference probability is clear of the threshold by a stated
margin.
"""
import numpy as np

# Twice the probability tolerance of the parity tests (1e-4): a pixel this
# close to a threshold may flip between runtimes without either being wrong.
MASK_MARGIN = 2e-4


def clear_of(threshold: float, expected: np.ndarray,
             margin: float = MASK_MARGIN) -> np.ndarray:
    """Boolean map of the pixels whose probability is clear of a threshold.

    Args:
        threshold (float): Mask threshold.
        expected (np.ndarray): Reference probabilities, any shape.
        margin (float): Distance from the threshold below which a pixel may
            fall on either side.

    Returns:
        np.ndarray: ``|expected - threshold| > margin``, same shape.
    """
    return np.abs(expected - threshold) > margin


def assert_masks_agree(threshold: float, actual: np.ndarray,
                       expected: np.ndarray,
                       both_sides: bool = False) -> None:
    """Masks at ``threshold`` agree wherever ``expected`` is clear of it.

    Args:
        threshold (float): Mask threshold.
        actual (np.ndarray): The other runtime's probabilities.
        expected (np.ndarray): Reference probabilities, same shape.
        both_sides (bool): Also assert that clear pixels exist above and
            below the threshold, so the comparison is not vacuous.
    """
    clear = clear_of(threshold, expected)
    np.testing.assert_array_equal((actual > threshold)[clear],
                                  (expected > threshold)[clear])
    if both_sides:
        assert (expected[clear] > threshold).any()
        assert (expected[clear] <= threshold).any()


def settled_targets(targets: list, threshold: float,
                    probabilities: np.ndarray) -> list:
    """The targets no pixel near the threshold can change.

    A target is settled when its box, grown by one pixel (8-connectivity),
    holds no pixel within the margin of the threshold: its component is
    then the same in any runtime that agrees on the clear pixels.

    Args:
        targets (list[Target]): Targets found at ``threshold``.
        threshold (float): Mask threshold.
        probabilities (np.ndarray): Reference probabilities of shape (H, W).

    Returns:
        list[Target]: The settled ones, in their order.
    """
    unclear = ~clear_of(threshold, probabilities)
    height, width = probabilities.shape
    settled = []
    for target in targets:
        x, y, w, h = target.bbox
        box = unclear[max(y - 1, 0):min(y + h + 1, height),
                      max(x - 1, 0):min(x + w + 1, width)]
        if not box.any():
            settled.append(target)
    return settled
