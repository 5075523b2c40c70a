"""The exported network compiled by OpenVINO for the CPU."""
from typing import Optional

import numpy as np

from .base import INFERENCE_BACKENDS
from .onnx_file_backend import OnnxFileBackend


@INFERENCE_BACKENDS.register_module(name='openvino')
class OpenVINOBackend(OnnxFileBackend):
    """OpenVINO's CPU plugin (see :class:`OnnxFileBackend` for Args).

    ``model_file`` is the ONNX file, read directly (no IR conversion
    step), or an OpenVINO IR ``.xml`` (the INT8 model of
    :func:`mmdsad.apis.quantize_openvino`). Inference precision is pinned
    to f32: on CPUs with AVX-512 BF16 or AMX the plugin's default is bf16,
    which would change masks (``'openvino_bf16'`` asks for it); a
    quantized model still runs its INT8 operators as INT8.

    Attributes:
        precision (str): The precision the plugin compiled the floating
            point operators to (``'f32'``, or ``'bf16'`` where asked for and
            the CPU has it).
    """

    name = 'OpenVINO'
    # The INFERENCE_PRECISION_HINT asked for.
    precision_hint = 'f32'

    def _load(self, path: str, threads: Optional[int]) -> None:
        import openvino
        config = {'INFERENCE_PRECISION_HINT': self.precision_hint,
                  'PERFORMANCE_HINT': 'LATENCY'}
        if threads is not None:
            config['INFERENCE_NUM_THREADS'] = threads
        core = openvino.Core()
        self.model = core.compile_model(core.read_model(path), 'CPU', config)
        self.request = self.model.create_infer_request()
        self.precision = self.model.get_property(
            'INFERENCE_PRECISION_HINT').to_string()

    def run(self, images: np.ndarray) -> np.ndarray:
        """The graph on a (B, 3, H, W) batch: (B, 1, H, W) probabilities."""
        # share_outputs=False (the default): the result is a copy, not a
        # view of the request's buffer the next frame overwrites.
        return self.request.infer([images], share_outputs=False)[0]


@INFERENCE_BACKENDS.register_module(name='openvino_bf16')
class OpenVINOBF16Backend(OpenVINOBackend):
    """OpenVINO with bfloat16 arithmetic, on CPUs that have it (AVX-512
    BF16, AMX): about half the memory traffic of f32 and AMX's matrix
    units, at bf16's 8-bit mantissa, so probabilities move by up to about
    1e-3 and masks may differ from f32's in pixels near the threshold
    (docs/results.md has the accuracy on real test splits). On other CPUs
    the plugin computes in f32; :attr:`precision` says which it did."""

    precision_hint = 'bf16'
