"""Uniform spatial weights: the "no attention" ablation of DSAD (Table 4)."""
from mmrazor.models.architectures.connectors.base_connector import (
    BaseConnector,
)
from mmrazor.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class UniformWeightConnector(BaseConnector):
    """Teacher feature (B, C, H, W) → all-ones weights (B, 1, H, W).

    With it PWMSE reduces to a plain MSE between Gaussian-transformed
    features: DSAD's "uniform weights" ablation row.
    """

    def forward_train(self, feature: Tensor) -> Tensor:
        """All-ones weights shaped like one channel of ``feature``."""
        return feature.new_ones(feature.shape[0], 1, *feature.shape[2:])
