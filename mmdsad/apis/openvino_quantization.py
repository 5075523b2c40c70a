"""INT8 post-training quantization of an exported network for OpenVINO
(NNCF, written as OpenVINO IR)."""
import os
import os.path as osp
import shutil
import tempfile
from typing import Iterable, Optional

import numpy as np

from .onnx_export import check_onnx_output


def ir_weights_file(xml_file: str) -> str:
    """The ``.bin`` file OpenVINO reads beside an IR ``.xml`` file."""
    return osp.splitext(xml_file)[0] + '.bin'


def quantize_openvino(model_file: str,
                      out: str,
                      calibration: Iterable[np.ndarray],
                      overwrite: bool = False,
                      max_frames: Optional[int] = None) -> int:
    """Write an INT8 OpenVINO IR of an fp32 ONNX file with NNCF.

    NNCF's post-training quantization of the OpenVINO model read from the
    ONNX file: FakeQuantize operations before the convolutions (weights
    int8 per output channel), the ``MIXED`` preset (asymmetric
    activations, whose ReLU outputs are one-sided), fast bias correction,
    and activation ranges from the minimum and maximum over *all*
    calibration frames. NNCF's default averages each frame's extremes,
    which clips the few large activations small targets cause in a few
    frames: on a CPU-protocol DNANet num4 it cost 4.3 IoU points on
    held-out training frames, min-max over all frames 1.2
    (docs/results.md). OpenVINO's CPU plugin
    runs the result with its own INT8 kernels (VNNI / AMX where the CPU has
    them), which a QDQ ONNX file (:func:`quantize_onnx`) does not reach
    as well. The final sigmoid stays in float. Batch, height and width
    stay dynamic.

    Args:
        model_file (str): The fp32 file of ``pytorch2onnx.py``.
        out (str): The IR to write: ``out`` (``.xml``, the graph) and its
            ``.bin`` (the weights) beside it, each replaced atomically,
            the weights first.
        calibration (Iterable[np.ndarray]): Float32 (1, 3, H, W) batches
            as the graph takes them (see
            :func:`mmdsad.apis.backends.onnx_file_backend.padded_batch`):
            training frames, never test frames.
        overwrite (bool): Allow replacing an existing ``out`` and its
            ``.bin``.
        max_frames (int, optional): Use at most this many batches.

    Returns:
        int: The number of calibration batches used.

    Raises:
        ValueError: ``out`` does not end in ``.xml``, ``calibration`` is
            empty, or ``out`` is ``model_file``; nothing is written.
        FileExistsError: ``out`` or its ``.bin`` exists and ``overwrite``
            is False.
    """
    import nncf
    import openvino
    from nncf.quantization.advanced_parameters import (
        AdvancedQuantizationParameters,
    )
    from nncf.quantization.range_estimator import RangeEstimatorParametersSet
    if not out.lower().endswith('.xml'):
        raise ValueError(
            f'the OpenVINO IR output {out} must end in .xml (its weights go '
            'to the .bin beside it), e.g. --openvino-out model_int8.xml')
    weights = ir_weights_file(out)
    for path in (out, weights):
        check_onnx_output(path, overwrite, [model_file], 'OpenVINO IR',
                          '--openvino-out model_int8.xml')
    batches = []
    for batch in calibration:
        if max_frames is not None and len(batches) >= max_frames:
            break
        batches.append(np.ascontiguousarray(batch, np.float32))
    if not batches:
        raise ValueError(
            f'no calibration frames to quantize {model_file} with: pass '
            'frames of the training split')
    model = openvino.Core().read_model(model_file)
    quantized = nncf.quantize(
        model,
        nncf.Dataset(batches),
        preset=nncf.QuantizationPreset.MIXED,
        subset_size=len(batches),
        advanced_parameters=AdvancedQuantizationParameters(
            activations_range_estimator_params=RangeEstimatorParametersSet.
            MINMAX))
    scratch = tempfile.mkdtemp(
        prefix=f'.{osp.basename(out)}.', dir=osp.dirname(osp.abspath(out)))
    try:
        partial = osp.join(scratch, 'model.xml')
        openvino.save_model(quantized, partial, compress_to_fp16=False)
        os.replace(ir_weights_file(partial), weights)
        os.replace(partial, out)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return len(batches)
