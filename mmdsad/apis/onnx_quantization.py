"""INT8 post-training quantization of an exported network (QDQ ONNX)."""
import itertools
import os
import os.path as osp
import shutil
import tempfile
from typing import Iterable, Iterator, Optional

import numpy as np
import onnx

from .onnx_export import INPUT_NAME, OUTPUT_NAME, check_onnx_output


def _output_node(model_file: str) -> str:
    """Name of the node writing the graph's probabilities (the sigmoid)."""
    graph = onnx.load(model_file, load_external_data=False).graph
    for node in graph.node:
        if OUTPUT_NAME in node.output:
            return node.name
    raise ValueError(
        f'{model_file} has no output named {OUTPUT_NAME!r}; export it with '
        'tools/deployment/pytorch2onnx.py')


def quantize_onnx(model_file: str,
                  out: str,
                  calibration: Iterable[np.ndarray],
                  overwrite: bool = False,
                  max_frames: Optional[int] = None) -> int:
    """Write an INT8 QDQ copy of an fp32 ONNX file, calibrated on frames.

    ONNX Runtime's static quantization: weights int8 per output channel,
    activations uint8 with min-max ranges over the calibration frames,
    written as QuantizeLinear/DequantizeLinear pairs (QDQ), the form ONNX
    Runtime, OpenVINO, TensorRT and edge NPUs take. The final sigmoid is
    kept in float, so probabilities near the mask threshold are not
    rounded to 1/256 steps. Batch, height and width stay dynamic.

    Args:
        model_file (str): The fp32 file of ``pytorch2onnx.py``.
        out (str): The INT8 file to write (atomically).
        calibration (Iterable[np.ndarray]): Float32 (1, 3, H, W) batches as
            the graph takes them (see
            :func:`mmdsad.apis.backends.onnx_file_backend.padded_batch`):
            training frames, never test frames.
        overwrite (bool): Allow replacing an existing ``out``.
        max_frames (int, optional): Use at most this many batches.

    Returns:
        int: The number of calibration batches used.

    Raises:
        ValueError: ``calibration`` is empty, or ``out`` is
            ``model_file``; nothing is written.
        FileExistsError: ``out`` exists and ``overwrite`` is False.
    """
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process
    check_onnx_output(out, overwrite, protected=[model_file])
    batches = iter(calibration)
    first = next(batches, None)
    if first is None:
        raise ValueError(
            f'no calibration frames to quantize {model_file} with: pass '
            'frames of the training split')
    batches = itertools.chain([first], batches)
    used = [0]

    class Reader(CalibrationDataReader):
        """The calibration batches, counted as they are read."""

        def __init__(self) -> None:
            self.batches: Iterator[np.ndarray] = batches

        def get_next(self) -> Optional[dict]:
            if max_frames is not None and used[0] >= max_frames:
                return None
            batch = next(self.batches, None)
            if batch is None:
                return None
            used[0] += 1
            return {INPUT_NAME: np.ascontiguousarray(batch, np.float32)}

    scratch = tempfile.mkdtemp(
        prefix=f'.{osp.basename(out)}.', dir=osp.dirname(osp.abspath(out)))
    try:
        # Shape inference and graph folding first, as ONNX Runtime's
        # quantizer asks: ranges are then recorded on the folded graph.
        # Symbolic shape inference gives up on the dynamic-size resizes;
        # ONNX's own shape inference is enough for the quantizer.
        prepared = osp.join(scratch, 'prepared.onnx')
        quant_pre_process(model_file, prepared, skip_symbolic_shape=True)
        partial = osp.join(scratch, 'model.onnx')
        quantize_static(
            prepared,
            partial,
            Reader(),
            quant_format=QuantFormat.QDQ,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            per_channel=True,
            # The min-max calibrator records two scalars per tensor and
            # frame, so memory stays small without CalibMaxIntermediate-
            # Outputs (which, in ONNX Runtime 1.32, drops what it merged).
            nodes_to_exclude=[_output_node(prepared)])
        os.replace(partial, out)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return used[0]
