"""Export a trained IRSTD network to ONNX (sigmoid included).

The exported model takes ``images`` (B, 3, H, W) float pixel values (0-255,
the data preprocessor's channel order; H and W multiples of the network's
stride, 16) and returns ``probabilities`` (B, 1, H, W); batch, height and
width are dynamic. A distilled student's or an FDEP model's checkpoint is
accepted as it is: the network under ``architecture.`` is exported.

An existing ``--out`` is refused unless ``--overwrite`` is given, and
``--out`` can never be the checkpoint itself; the file is written
atomically (see :func:`mmdsad.apis.export_onnx`).

Example:
    python tools/deployment/pytorch2onnx.py \
        configs/dnanet/dnanet_num4_nudt.py student.pth --out student.onnx
"""
import argparse

import numpy as np
import torch

from mmdsad.apis import (
    DeployedNetwork,
    check_onnx_output,
    export_onnx,
    load_network,
)

# Parity check right after export, on a random image of this size.
CHECK_SHAPE = (1, 3, 96, 64)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Export an mmdsad network to ONNX')
    parser.add_argument('config', help='the network config')
    parser.add_argument('checkpoint', help='weights-only checkpoint')
    parser.add_argument('--out', required=True, help='ONNX file to write')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='replace an existing --out (never the checkpoint)')
    parser.add_argument(
        '--opset', type=int, default=17, help='ONNX opset (default 17)')
    return parser.parse_args()


def check_with_onnxruntime(network: DeployedNetwork, out: str) -> float:
    """Largest probability difference between ONNX Runtime and PyTorch.

    Args:
        network (DeployedNetwork): The exported network.
        out (str): The ONNX file.

    Returns:
        float: Max absolute difference on a random (1, 3, 96, 64) image.
    """
    import onnxruntime
    session = onnxruntime.InferenceSession(
        out, providers=['CPUExecutionProvider'])
    images = torch.rand(*CHECK_SHAPE) * 255
    with torch.no_grad():
        expected = network(images).numpy()
    actual = session.run(None, {'images': images.numpy()})[0]
    return float(np.abs(actual - expected).max())


def main() -> None:
    args = parse_args()
    # Checked before the (slow) load too, so a wrong --out fails at once.
    check_onnx_output(args.out, args.overwrite, [args.checkpoint])
    network = DeployedNetwork(load_network(args.config, args.checkpoint))
    export_onnx(
        network,
        args.out,
        opset=args.opset,
        overwrite=args.overwrite,
        protected=[args.checkpoint])
    difference = check_with_onnxruntime(network, args.out)
    print(f'wrote {args.out}; ONNX Runtime vs PyTorch at '
          f'{CHECK_SHAPE[2]}x{CHECK_SHAPE[3]}: max |diff| {difference:.2e}')


if __name__ == '__main__':
    main()
