"""The exported ONNX file in ONNX Runtime's CPU execution provider."""
from typing import Optional

import numpy as np

from .base import INFERENCE_BACKENDS
from .onnx_file_backend import OnnxFileBackend


@INFERENCE_BACKENDS.register_module(name='onnxruntime')
class OnnxRuntimeBackend(OnnxFileBackend):
    """ONNX Runtime on the CPU (see :class:`OnnxFileBackend` for Args)."""

    name = 'ONNX Runtime'

    def _load(self, path: str, threads: Optional[int]) -> None:
        import onnxruntime
        options = onnxruntime.SessionOptions()
        if threads is not None:
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            path, options, providers=['CPUExecutionProvider'])
        self.input_name = self.session.get_inputs()[0].name

    def run(self, images: np.ndarray) -> np.ndarray:
        """The graph on a (B, 3, H, W) batch: (B, 1, H, W) probabilities."""
        return self.session.run(None, {self.input_name: images})[0]
