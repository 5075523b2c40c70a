"""Inference and deployment: load a trained network, export it, run it."""
from .deployed_network import DeployedNetwork
from .irstd_inferencer import FrameResult, IRSTDInferencer, SkippedFrame
from .network_loading import (
    CheckpointMismatchError,
    load_network,
    network_config,
    network_state_dict,
)
from .onnx_export import check_onnx_output, export_onnx
from .onnx_quantization import quantize_onnx
from .openvino_quantization import quantize_openvino
from .targets import Target, find_targets

__all__ = [
    'DeployedNetwork', 'CheckpointMismatchError', 'load_network',
    'network_config', 'network_state_dict', 'check_onnx_output',
    'export_onnx', 'quantize_onnx', 'quantize_openvino', 'FrameResult',
    'IRSTDInferencer', 'SkippedFrame', 'Target', 'find_targets'
]
