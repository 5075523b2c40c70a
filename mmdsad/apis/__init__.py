"""Inference and deployment: load a trained network, export it, run it."""
from .deployed_network import DeployedNetwork
from .network_loading import (
                              CheckpointMismatchError,
                              load_network,
                              network_config,
                              network_state_dict,
)
from .onnx_export import export_onnx

__all__ = [
    'DeployedNetwork', 'CheckpointMismatchError', 'load_network',
    'network_config', 'network_state_dict', 'export_onnx'
]
