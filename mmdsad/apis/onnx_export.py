"""Export a :class:`DeployedNetwork` to ONNX, batch and size dynamic."""
import os
import os.path as osp
import shutil
import tempfile
from typing import Sequence, Tuple

import torch

from .deployed_network import DeployedNetwork

INPUT_NAME = 'images'
OUTPUT_NAME = 'probabilities'
OPSET = 17
# Traced once at this size; batch, height and width stay symbolic.
TRACE_SHAPE = (1, 3, 64, 64)


def check_onnx_output(out: str,
                      overwrite: bool = False,
                      protected: Sequence[str] = (),
                      kind: str = 'ONNX',
                      example: str = '--out model.onnx') -> None:
    """Refuse a model output path whose writing would destroy a file.

    Args:
        out (str): The path to be written (an ``.onnx`` file, or a part of
            an OpenVINO IR).
        overwrite (bool): Allow replacing an existing ``out``. Defaults to
            False.
        protected (Sequence[str]): Files ``out`` must never be, even with
            ``overwrite`` (the checkpoint or model being converted).
        kind (str): What ``out`` is, for the messages.
        example (str): An example option for the messages.

    Raises:
        ValueError: ``out`` is one of the ``protected`` files.
        IsADirectoryError: ``out`` is a folder.
        FileExistsError: ``out`` exists and ``overwrite`` is False.
        FileNotFoundError: The folder of ``out`` does not exist.
    """
    if osp.exists(out):
        for path in protected:
            if osp.exists(path) and osp.samefile(out, path):
                raise ValueError(
                    f'the {kind} output {out} is the input {path}; '
                    'writing it would destroy it. Choose another output '
                    f'file, e.g. {example}.')
        if osp.isdir(out):
            raise IsADirectoryError(
                f'the {kind} output {out} is a folder; pass a file path, '
                f'e.g. {example}.')
        if not overwrite:
            raise FileExistsError(
                f'the {kind} output {out} exists; choose a new file, or '
                'pass --overwrite (overwrite=True) to replace it.')
    folder = osp.dirname(osp.abspath(out))
    if not osp.isdir(folder):
        raise FileNotFoundError(
            f'the folder {folder} of the {kind} output does not exist; '
            'create it first.')


def export_onnx(network: DeployedNetwork,
                out: str,
                trace_shape: Tuple[int, int, int, int] = TRACE_SHAPE,
                opset: int = OPSET,
                overwrite: bool = False,
                protected: Sequence[str] = ()) -> None:
    """Write the network as an ONNX model.

    Uses torch's TorchScript-based exporter (``dynamo=False``): it needs no
    extra package, and the networks' size-dependent operations (bilinear
    upsampling to a feature's size) become shape computations in the graph.

    The model is written to a temporary file in the folder of ``out`` and
    moved onto ``out`` only once complete, so a failed or interrupted export
    leaves any earlier ``out`` intact and never a half-written model.

    Args:
        network (DeployedNetwork): The network, in eval mode.
        out (str): Output ``.onnx`` path.
        trace_shape (tuple[int, int, int, int]): (B, 3, H, W) of the tracing
            input, H and W multiples of the network's stride.
        opset (int): ONNX opset. Defaults to 17.
        overwrite (bool): Replace an existing ``out``. Defaults to False.
        protected (Sequence[str]): Files ``out`` must never be, even with
            ``overwrite`` (e.g. the checkpoint).

    Raises:
        ValueError, IsADirectoryError, FileExistsError, FileNotFoundError:
            See :func:`check_onnx_output`; nothing is written.
    """
    check_onnx_output(out, overwrite, protected)
    # A private folder beside ``out``: os.replace is then a rename on one
    # file system, and the model gets the permissions of a file torch
    # creates itself (mkstemp's would be owner-only).
    scratch = tempfile.mkdtemp(
        prefix=f'.{osp.basename(out)}.', dir=osp.dirname(osp.abspath(out)))
    partial = osp.join(scratch, 'model.onnx')
    dynamic = {0: 'batch', 2: 'height', 3: 'width'}
    try:
        with torch.no_grad():
            torch.onnx.export(
                network.eval(),
                (torch.rand(*trace_shape) * 255, ),
                partial,
                input_names=[INPUT_NAME],
                output_names=[OUTPUT_NAME],
                dynamic_axes={
                    INPUT_NAME: dynamic,
                    OUTPUT_NAME: dynamic
                },
                opset_version=opset,
                dynamo=False)
        os.replace(partial, out)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
