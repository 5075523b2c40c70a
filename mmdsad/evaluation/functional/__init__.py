"""Plain per-image and per-dataset IRSTD metric functions (numpy only)."""
from .components import (
    Components,
    as_binary_mask,
    greedy_match,
    label_components,
)
from .hse import (
    DEFAULT_FA_REF,
    DEFAULT_HSE_THRESHOLDS,
    check_fa_ref,
    hse_scores,
)
from .image_counts import ImageCounts, threshold_image_counts
from .summary import summarize_counts

__all__ = [
    'Components', 'ImageCounts', 'as_binary_mask', 'greedy_match',
    'label_components', 'threshold_image_counts', 'summarize_counts',
    'hse_scores', 'check_fa_ref', 'DEFAULT_HSE_THRESHOLDS', 'DEFAULT_FA_REF'
]
