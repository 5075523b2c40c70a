"""Gaussian blur settings shared by the data pipeline's blur and DMFNet's."""
import math
from typing import Sequence, Tuple

# The kernel covers ±3σ: the Gaussian tail beyond is below 0.3 % of its
# mass, so a larger kernel would only cost time.
KERNEL_TRUNCATE_SIGMAS = 3.0


def gaussian_kernel_size(sigma: float) -> int:
    """Odd kernel size covering ±``KERNEL_TRUNCATE_SIGMAS``·σ.

    Args:
        sigma (float): Standard deviation in pixels, > 0.

    Returns:
        int: Odd kernel side length, at least 3.
    """
    return 2 * max(1, math.ceil(KERNEL_TRUNCATE_SIGMAS * sigma)) + 1


def check_sigma_range(sigma_range: Sequence[float],
                      owner: str) -> Tuple[float, float]:
    """Validate the (low, high) bounds of a randomly drawn blur σ.

    Args:
        sigma_range (Sequence[float]): ``(low, high)`` in pixels.
        owner (str): Who takes the range, named in the error (e.g.
            ``'RandomGaussianBlur'``).

    Returns:
        tuple[float, float]: ``(low, high)`` as floats.

    Raises:
        ValueError: Unless it is two finite numbers with
            ``0 <= low <= high``.
    """
    if len(sigma_range) != 2:
        raise ValueError(f'{owner}: sigma_range must be (low, high), got '
                         f'{sigma_range}')
    low, high = (float(v) for v in sigma_range)
    if not (math.isfinite(low) and math.isfinite(high)
            and 0.0 <= low <= high):
        raise ValueError(f'{owner}: sigma_range must satisfy 0 <= low <= '
                         f'high (finite), got {sigma_range}')
    return low, high
