from .pwmse_loss import PWMSELoss, gaussian_transform
from .soft_iou_loss import SoftIoULoss

__all__ = ['SoftIoULoss', 'PWMSELoss', 'gaussian_transform']
