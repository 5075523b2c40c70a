"""The exported ONNX file compiled by OpenVINO for the CPU."""
from typing import Optional

import numpy as np

from .base import INFERENCE_BACKENDS
from .onnx_file_backend import OnnxFileBackend


@INFERENCE_BACKENDS.register_module(name='openvino')
class OpenVINOBackend(OnnxFileBackend):
    """OpenVINO's CPU plugin (see :class:`OnnxFileBackend` for Args).

    The ONNX file is read directly (no IR conversion step). Inference
    precision is pinned to f32: on CPUs with AVX-512 BF16 or AMX the
    plugin's default is bf16, which would change masks; a quantized
    (QDQ) file still runs its INT8 operators as INT8.
    """

    name = 'OpenVINO'

    def _load(self, path: str, threads: Optional[int]) -> None:
        import openvino
        config = {'INFERENCE_PRECISION_HINT': 'f32',
                  'PERFORMANCE_HINT': 'LATENCY'}
        if threads is not None:
            config['INFERENCE_NUM_THREADS'] = threads
        core = openvino.Core()
        self.model = core.compile_model(core.read_model(path), 'CPU', config)
        self.request = self.model.create_infer_request()

    def run(self, images: np.ndarray) -> np.ndarray:
        """The graph on a (B, 3, H, W) batch: (B, 1, H, W) probabilities."""
        # share_outputs=False (the default): the result is a copy, not a
        # view of the request's buffer the next frame overwrites.
        return self.request.infer([images], share_outputs=False)[0]
