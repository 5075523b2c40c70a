from .irstd_metric import (
    Components,
    ImageCounts,
    IRSTDMetric,
    binary_iou_counts,
    greedy_match,
    label_components,
    match_components,
    summarize_counts,
    threshold_image_counts,
)

__all__ = [
    'IRSTDMetric', 'Components', 'ImageCounts', 'binary_iou_counts',
    'greedy_match', 'label_components', 'match_components',
    'summarize_counts', 'threshold_image_counts'
]
