from .batch_gaussian_blur import RandomBatchGaussianBlur
from .cbam import (
                   ChannelAttention,
                   ResCBAMBlock,
                   SpatialAttention,
                   make_res_cbam_stage,
)
from .dsa import DSA
from .ream import REAM
from .samf import SAMF
from .tcfm import TCFM

__all__ = [
    'ChannelAttention', 'SpatialAttention', 'ResCBAMBlock',
    'make_res_cbam_stage', 'DSA', 'RandomBatchGaussianBlur', 'REAM', 'SAMF',
    'TCFM'
]
