"""The exported network compiled by OpenVINO for the CPU."""
import time
import warnings
from collections import OrderedDict
from typing import Optional, Tuple

import numpy as np

from .base import INFERENCE_BACKENDS
from .onnx_file_backend import OnnxFileBackend

# Compiled static-shape models kept (least recently used dropped): a video
# or a tiled frame has one input shape, a dataset of mixed sizes a few.
MAX_COMPILED_SHAPES = 8
# A shape is compiled once the dynamic model has spent this long on it:
# a static model saves about a fifth of a student's time and costs about
# 0.3 s to compile, so by then the time lost without it equals the cost
# of compiling it (the ski-rental rule, at most twice the best choice made
# in hindsight, whatever comes next).
STATIC_AFTER_SECONDS = 1.5
# Shapes not compiled yet, with the dynamic model's time on them (least
# recently seen dropped).
MAX_SIGHTED_SHAPES = 1024


@INFERENCE_BACKENDS.register_module(name='openvino')
class OpenVINOBackend(OnnxFileBackend):
    """OpenVINO's CPU plugin (see :class:`OnnxFileBackend` for Args).

    ``model_file`` is the ONNX file, read directly (no IR conversion
    step), or an OpenVINO IR ``.xml`` (the INT8 model of
    :func:`mmdsad.apis.quantize_openvino`). Both have dynamic batch,
    height and width; the plugin runs a static graph faster (DNANet num4
    at 1x3x256x256, one thread, bf16: 38.9 against 50.7 ms dynamic;
    docs/results.md, "Static shapes"), but compiling one costs about 0.3 s
    for a student. So a shape runs on the dynamic model until that has
    spent :data:`STATIC_AFTER_SECONDS` on it, and is then compiled as a
    static model, kept for the batches after: a video or a tiled frame
    pays one compilation within its first seconds, a folder of frames of
    many sizes none for the sizes that do not repeat. Where the
    plugin cannot compile a static model (OpenVINO 2026.4's
    low-precision passes throw on our students' QDQ files at static
    shapes) the dynamic model runs every shape from then on, with one
    warning.
    Inference precision is pinned to f32: on CPUs with AVX-512 BF16 or
    AMX the plugin's default is bf16, which would change masks
    (``'openvino_bf16'`` asks for it); a quantized model still runs its
    INT8 operators as INT8.

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
        self.compile_config = {'INFERENCE_PRECISION_HINT': self.precision_hint,
                               'PERFORMANCE_HINT': 'LATENCY'}
        if threads is not None:
            self.compile_config['INFERENCE_NUM_THREADS'] = threads
        self.path = path
        self.core = openvino.Core()
        self.source = self.core.read_model(path)
        # Compiled as it is (dynamic) here, so that a file the plugin
        # cannot compile fails at once: the fallback of shapes that do not
        # compile statically, and where the resolved precision is read.
        self.dynamic_model = self.core.compile_model(self.source, 'CPU',
                                                     self.compile_config)
        self.precision = self.dynamic_model.get_property(
            'INFERENCE_PRECISION_HINT').to_string()
        self.dynamic_request = self.dynamic_model.create_infer_request()
        self.requests: OrderedDict = OrderedDict()
        self.sighted: OrderedDict = OrderedDict()
        self.static_error: Optional[str] = None

    def _request(self, shape: Tuple[int, ...]):
        """The infer request to run a batch of ``shape`` with."""
        if shape in self.requests:
            self.requests.move_to_end(shape)
            return self.requests[shape]
        if (self.static_error is None and shape in self.sighted
                and self.sighted[shape] >= STATIC_AFTER_SECONDS):
            self.compile_static(shape)
        return self.requests.get(shape, self.dynamic_request)

    def compile_static(self, shape: Tuple[int, ...]) -> bool:
        """Compile ``shape`` as a static model now, for the batches after.

        What :meth:`run` does once a shape has taken its time; call it
        directly where the input shape is known in advance (a camera, a
        benchmark).

        Args:
            shape (tuple[int, ...]): The (B, 3, H, W) input shape.

        Returns:
            bool: Whether a static model now runs ``shape``; False where
            the plugin cannot compile the file statically (warned once;
            the dynamic model runs every shape from then on).
        """
        if shape in self.requests:
            return True
        if self.static_error is not None:
            return False
        self.sighted.pop(shape, None)
        model = self.source.clone()
        model.reshape({model.inputs[0]: list(shape)})
        try:
            compiled = self.core.compile_model(model, 'CPU',
                                               self.compile_config)
        except RuntimeError as error:
            reason = [line for line in str(error).splitlines() if line][-1]
            # A property of the file and the plugin, not of the shape.
            self.static_error = reason
            warnings.warn(
                f'OpenVINO cannot compile {self.path} for the static shape '
                f'{shape} ({reason}); running its dynamic model for every '
                'shape, which is slower',
                stacklevel=2)
            return False
        self.requests[shape] = compiled.create_infer_request()
        if len(self.requests) > MAX_COMPILED_SHAPES:
            self.requests.popitem(last=False)
        return True

    def run(self, images: np.ndarray) -> np.ndarray:
        """The graph on a (B, 3, H, W) batch: (B, 1, H, W) probabilities."""
        request = self._request(images.shape)
        start = time.perf_counter()
        # share_outputs=False (the default): the result is a copy, not a
        # view of the request's buffer the next frame overwrites.
        probabilities = request.infer([images], share_outputs=False)[0]
        if request is self.dynamic_request and self.static_error is None:
            self._sighting(images.shape, time.perf_counter() - start)
        return probabilities

    def _sighting(self, shape: Tuple[int, ...], seconds: float) -> None:
        """Add a dynamic run's time to its shape's."""
        self.sighted[shape] = self.sighted.pop(shape, 0.0) + seconds
        if len(self.sighted) > MAX_SIGHTED_SHAPES:
            self.sighted.popitem(last=False)


@INFERENCE_BACKENDS.register_module(name='openvino_bf16')
class OpenVINOBF16Backend(OpenVINOBackend):
    """OpenVINO with bfloat16 arithmetic, on CPUs that have it (AVX-512
    BF16, AMX): about half the memory traffic of f32 and AMX's matrix
    units, at bf16's 8-bit mantissa, so probabilities move by up to about
    1e-3 and masks may differ from f32's in pixels near the threshold
    (docs/results.md has the accuracy on real test splits). On other CPUs
    the plugin computes in f32; :attr:`precision` says which it did."""

    precision_hint = 'bf16'
