"""The runtimes of :class:`mmdsad.apis.IRSTDInferencer`, one per file."""
from .base import INFERENCE_BACKENDS, InferenceBackend
from .onnx_file_backend import OnnxFileBackend, is_onnx_file
from .onnxruntime_backend import OnnxRuntimeBackend
from .openvino_backend import OpenVINOBackend, OpenVINOBF16Backend
from .pytorch_backend import PyTorchBackend

__all__ = [
    'INFERENCE_BACKENDS', 'InferenceBackend', 'OnnxFileBackend',
    'OnnxRuntimeBackend', 'OpenVINOBackend', 'OpenVINOBF16Backend',
    'PyTorchBackend', 'is_onnx_file'
]
