"""Data transforms for infrared small target detection."""
from .gaussian_blur import RandomGaussianBlur
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
    'ImageDecodeError', 'LoadIRImageFromFile', 'LoadBinaryAnnotations',
    'RandomGaussianBlur', 'binarize_mask', 'fit_mask_to_image',
    'load_pil_image', 'pil_to_array', 'resize_mask_keep_targets'
]
