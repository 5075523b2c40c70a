from .cbam_weight_connector import CBAMWeightConnector
from .dsa_weight_connector import DSAWeightConnector
from .uniform_weight_connector import UniformWeightConnector

__all__ = [
    'DSAWeightConnector', 'UniformWeightConnector', 'CBAMWeightConnector'
]
