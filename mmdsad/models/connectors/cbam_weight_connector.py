"""CBAM-style spatial weights: DSAD's attention ablation (Table 4)."""
import torch
import torch.nn.functional as F
from mmrazor.models.architectures.connectors.base_connector import (
    BaseConnector,
)
from mmrazor.registry import MODELS
from torch import Tensor

CBAM_KERNEL_SIZE = 7


@MODELS.register_module()
class CBAMWeightConnector(BaseConnector):
    """Teacher feature (B, C, H, W) → CBAM-style weights (B, 1, H, W).

    CBAM's spatial attention is ``sigmoid(conv_kxk([mean_c F, max_c F]))``.
    Its kernel is learned inside a network; as a distillation weight it
    would be trained by the loss it weights (towards zero), so, like DSA in
    DSAD, it is made parameter-free here: the k x k kernel is a fixed box
    filter over both aggregated channels. This is our reading of the
    paper's "CBAM-style spatial attention weights" ablation; the only
    difference from DSA is the absence of the directional contrast.

    Args:
        kernel_size (int): Odd size of the box filter (CBAM's 7).
    """

    def __init__(self,
                 kernel_size: int = CBAM_KERNEL_SIZE,
                 init_cfg=None) -> None:
        super().__init__(init_cfg)
        if kernel_size % 2 != 1:
            raise ValueError(
                f'CBAMWeightConnector kernel_size must be odd, got '
                f'{kernel_size}')
        box = torch.full((1, 2, kernel_size, kernel_size),
                         1.0 / (2 * kernel_size**2))
        self.register_buffer('kernel', box, persistent=False)

    def forward_train(self, feature: Tensor) -> Tensor:
        """CBAM-style weights of ``feature``; no gradient."""
        with torch.no_grad():
            feature = feature.detach()
            pooled = torch.cat([
                feature.mean(dim=1, keepdim=True),
                feature.amax(dim=1, keepdim=True)
            ], dim=1)
            return torch.sigmoid(
                F.conv2d(pooled, self.kernel, padding=self.kernel.shape[-1] //
                         2))
