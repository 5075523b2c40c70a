"""Datasets, transforms and synthetic data for IRSTD."""
from .sirst import SIRSTDataset
from .synthetic import make_synthetic_frame, make_synthetic_sirst
from .transforms import (
    LoadBinaryAnnotations,
    LoadIRImageFromFile,
    RandomGaussianBlur,
)

__all__ = [
    'SIRSTDataset', 'LoadIRImageFromFile', 'LoadBinaryAnnotations',
    'RandomGaussianBlur', 'make_synthetic_sirst', 'make_synthetic_frame'
]
