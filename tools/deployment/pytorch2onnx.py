"""Export a trained IRSTD network to ONNX (sigmoid included).

The exported model takes ``images`` (B, 3, H, W) float pixel values (0-255,
the data preprocessor's channel order; H and W multiples of the network's
stride, 16) and returns ``probabilities`` (B, 1, H, W); batch, height and
width are dynamic. A distilled student's or an FDEP model's checkpoint is
accepted as it is: the network under ``architecture.`` is exported.

Example:
    python tools/deployment/pytorch2onnx.py \
        configs/dnanet/dnanet_num4_nudt.py student.pth --out student.onnx
"""
import argparse
import os.path as osp

import numpy as np
import torch

from mmdsad.apis import DeployedNetwork, export_onnx, load_network

# Parity check right after export, on a random image of this size.
CHECK_SHAPE = (1, 3, 96, 64)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Export an mmdsad network to ONNX')
    parser.add_argument('config', help='the network config')
    parser.add_argument('checkpoint', help='weights-only checkpoint')
    parser.add_argument('--out', required=True, help='ONNX file to write')
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
    network = DeployedNetwork(load_network(args.config, args.checkpoint))
    out_dir = osp.dirname(osp.abspath(args.out))
    if not osp.isdir(out_dir):
        raise FileNotFoundError(f'--out: the folder {out_dir} does not exist')
    export_onnx(network, args.out, opset=args.opset)
    difference = check_with_onnxruntime(network, args.out)
    print(f'wrote {args.out}; ONNX Runtime vs PyTorch at '
          f'{CHECK_SHAPE[2]}x{CHECK_SHAPE[3]}: max |diff| {difference:.2e}')


if __name__ == '__main__':
    main()
