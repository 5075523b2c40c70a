"""Data transforms for infrared small target detection."""
from .gaussian_blur import RandomGaussianBlur
from .inference_loading import IRSTDInferencerLoader, array_to_image
from .loading import (
    ImageDecodeError,
    LoadBinaryAnnotations,
    LoadIRImageFromFile,
    binarize_mask,
    fit_mask_to_image,
    load_pil_image,
    pil_to_array,
    resize_mask_keep_targets,
)

__all__ = [
    'ImageDecodeError', 'IRSTDInferencerLoader', 'LoadIRImageFromFile',
    'LoadBinaryAnnotations', 'RandomGaussianBlur', 'array_to_image',
    'binarize_mask', 'fit_mask_to_image', 'load_pil_image', 'pil_to_array',
    'resize_mask_keep_targets'
]
