"""The normalisation a segmentor's data preprocessor applies."""
from typing import Optional, Tuple

from torch import Tensor, nn


def preprocessor_normalisation(
        preprocessor: nn.Module) -> Optional[Tuple[Tensor, Tensor]]:
    """Mean and std a data preprocessor normalises images with.

    mmseg's ``SegDataPreProcessor`` (mmengine's ``ImgDataPreprocessor``)
    keeps whether it normalises in the private ``_enable_normalize``; this
    is the only place mmdsad reads it, so a change upstream is fixed here.

    Args:
        preprocessor (nn.Module): A segmentor's ``data_preprocessor``.

    Returns:
        tuple[Tensor, Tensor] | None: ``(mean, std)``, each of shape
        (C, 1, 1), or None when it does not normalise.
    """
    if not getattr(preprocessor, '_enable_normalize', False):
        return None
    return preprocessor.mean, preprocessor.std
