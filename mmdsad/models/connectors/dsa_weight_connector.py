"""DSAD's spatial weights: DSA of the teacher feature, without gradient."""
import torch
from mmrazor.models.architectures.connectors.base_connector import (
    BaseConnector,
)
from mmrazor.registry import MODELS
from torch import Tensor

from ..layers.dsa import DSA


@MODELS.register_module()
class DSAWeightConnector(BaseConnector):
    """Teacher feature (B, C, H, W) → DSA weight map (B, 1, H, W).

    The weights of DSAD's PWMSE loss (paper Sec. 3.3, Eqs. 2-7). It reuses
    the :class:`~mmdsad.models.layers.DSA` module with a **fixed** base
    kernel: in distillation DSA runs on frozen teacher features, and a
    learnable kernel would be driven towards zero weights by the loss it
    weights (docs/paper-spec.md §1.3), so the connector has no parameters and
    computes under ``no_grad``.

    Args:
        base_kernel (str): Fixed 3x3 base kernel of DSA ('ones' or
            'gaussian').
        init_cfg (dict, optional): Unused; no parameters.
    """

    def __init__(self, base_kernel: str = 'ones', init_cfg=None) -> None:
        super().__init__(init_cfg)
        self.dsa = DSA(base_kernel=base_kernel, learnable=False)

    def forward_train(self, feature: Tensor) -> Tensor:
        """DSA weights of ``feature``; see the class docstring."""
        with torch.no_grad():
            return self.dsa(feature.detach())
