from .binary_kd_loss import BinaryKDLoss
from .cckd_loss import CCKDLoss
from .kdsvd_loss import KDSVDLoss
from .nst_loss import NSTLoss
from .pwmse_loss import PWMSELoss, gaussian_transform
from .quality_focal_kd_loss import QualityFocalKDLoss
from .soft_iou_loss import SoftIoULoss

__all__ = [
    'SoftIoULoss', 'PWMSELoss', 'gaussian_transform', 'BinaryKDLoss',
    'NSTLoss', 'KDSVDLoss', 'CCKDLoss', 'QualityFocalKDLoss'
]
