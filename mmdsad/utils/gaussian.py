"""Gaussian kernel extent shared by the data pipeline's blur and DMFNet's."""
import math

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
