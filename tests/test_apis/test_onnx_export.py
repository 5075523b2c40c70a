"""ONNX export: ONNX Runtime gives PyTorch's probabilities and masks.

Every network at both widths, plain and "+DSA", randomly initialised,
saved as a weights-only checkpoint, loaded, exported once and run at three
sizes (one not square, one batch of two) through the dynamic axes. Masks
are compared away from float noise at the threshold (mask_parity.py).
"""
import os.path as osp

import numpy as np
import onnx
import pytest
import torch

from mmdsad.apis import DeployedNetwork, export_onnx, load_network

from .mask_parity import assert_masks_agree
from .random_weights import save_random_checkpoint

onnxruntime = pytest.importorskip('onnxruntime')

CONFIGS = [
    f'configs/{net}/{net}_{width}{dsa}_nudt.py'
    for net in ('dnanet', 'amfunet', 'dmfnet') for width in ('num16', 'num4')
    for dsa in ('', '_dsa')
]
SHAPES = [(1, 3, 64, 64), (2, 3, 96, 64), (1, 3, 32, 80)]
PROBABILITY_TOLERANCE = 1e-4
THRESHOLD = 0.5


@pytest.mark.parametrize('config', CONFIGS)
def test_onnxruntime_matches_pytorch(repo_root, tmp_path, config):
    checkpoint = str(tmp_path / 'random.pth')
    save_random_checkpoint(osp.join(repo_root, config), checkpoint)
    network = DeployedNetwork(
        load_network(osp.join(repo_root, config), checkpoint))
    out = str(tmp_path / 'net.onnx')
    export_onnx(network, out)
    onnx.checker.check_model(out)
    session = onnxruntime.InferenceSession(
        out, providers=['CPUExecutionProvider'])
    generator = torch.Generator().manual_seed(0)
    for shape in SHAPES:
        images = torch.rand(*shape, generator=generator) * 255
        with torch.no_grad():
            expected = network(images).numpy()
        actual = session.run(None, {'images': images.numpy()})[0]
        assert actual.shape == (shape[0], 1, *shape[2:])
        np.testing.assert_allclose(
            actual, expected, rtol=0, atol=PROBABILITY_TOLERANCE)
        # The 0.5 mask, and one at the median so that it is never trivial
        # (random networks can sit on one side of 0.5 everywhere). A
        # threshold taken from the data always has values within float
        # noise of it: masks are compared clear of the threshold only.
        assert_masks_agree(THRESHOLD, actual, expected)
        assert_masks_agree(
            float(np.median(expected)), actual, expected, both_sides=True)

