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
from .image_counts import ImageCounts, OPDCCounts, threshold_image_counts
from .protocols import (
    DEFAULT_PROTOCOL,
    DNANET_SIZE,
    PROTOCOLS,
    check_protocol,
    describe_protocol,
    opdc_match,
    pair_ious,
    resize_for_dnanet,
    shooting_counts,
)
from .summary import NIOU_EMPTY_RULES, check_niou_empty, summarize_counts

__all__ = [
    'Components', 'ImageCounts', 'OPDCCounts', 'as_binary_mask',
    'greedy_match', 'label_components', 'threshold_image_counts',
    'summarize_counts', 'check_niou_empty', 'NIOU_EMPTY_RULES', 'hse_scores',
    'check_fa_ref', 'DEFAULT_HSE_THRESHOLDS', 'DEFAULT_FA_REF', 'PROTOCOLS',
    'DEFAULT_PROTOCOL', 'DNANET_SIZE', 'check_protocol', 'describe_protocol',
    'opdc_match', 'pair_ious', 'resize_for_dnanet', 'shooting_counts'
]
