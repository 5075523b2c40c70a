"""Export a :class:`DeployedNetwork` to ONNX, batch and size dynamic."""
from typing import Tuple

import torch

from .deployed_network import DeployedNetwork

INPUT_NAME = 'images'
OUTPUT_NAME = 'probabilities'
OPSET = 17
# Traced once at this size; batch, height and width stay symbolic.
TRACE_SHAPE = (1, 3, 64, 64)


def export_onnx(network: DeployedNetwork,
                out: str,
                trace_shape: Tuple[int, int, int, int] = TRACE_SHAPE,
                opset: int = OPSET) -> None:
    """Write the network as an ONNX model.

    Uses torch's TorchScript-based exporter (``dynamo=False``): it needs no
    extra package, and the networks' size-dependent operations (bilinear
    upsampling to a feature's size) become shape computations in the graph.

    Args:
        network (DeployedNetwork): The network, in eval mode.
        out (str): Output ``.onnx`` path.
        trace_shape (tuple[int, int, int, int]): (B, 3, H, W) of the tracing
            input, H and W multiples of the network's stride.
        opset (int): ONNX opset. Defaults to 17.
    """
    dynamic = {0: 'batch', 2: 'height', 3: 'width'}
    with torch.no_grad():
        torch.onnx.export(
            network.eval(),
            (torch.rand(*trace_shape) * 255, ),
            out,
            input_names=[INPUT_NAME],
            output_names=[OUTPUT_NAME],
            dynamic_axes={
                INPUT_NAME: dynamic,
                OUTPUT_NAME: dynamic
            },
            opset_version=opset,
            dynamo=False)
