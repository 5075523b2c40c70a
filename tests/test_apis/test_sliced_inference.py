"""Sliced inference (mmseg's slide mode) on frames larger than the tile."""
import os.path as osp

import numpy as np
import pytest

from mmdsad.apis import DeployedNetwork, IRSTDInferencer, export_onnx

from .mask_parity import assert_masks_agree
from .random_weights import save_random_checkpoint

DNANET = 'configs/dnanet/dnanet_num4_nudt.py'

HEIGHT, WIDTH = 160, 224
CROP, STRIDE = (96, 96), (64, 64)
# Tiles start at 0, 64 (and end-aligned at HEIGHT - 96, WIDTH - 96), so
# tile edges run along rows 64, 96 and columns 64, 96, 128, 160: every
# target below sits on one or two seams.
SEAM_TARGETS = [(64, 96), (96, 64), (96, 160), (40, 128), (128, 192)]
TARGET_RADIUS = 3


def seam_frame():
    rows, cols = np.mgrid[0:HEIGHT, 0:WIDTH]
    image = np.random.default_rng(0).normal(30, 2, (HEIGHT, WIDTH))
    for row, col in SEAM_TARGETS:
        image += 200 * np.exp(-((rows - row)**2 + (cols - col)**2) /
                              (2 * 1.5**2))
    return np.clip(image, 0, 255).astype(np.uint8)


def checkpoint_for(repo_root, tmp_path, config):
    path = str(tmp_path / 'random.pth')
    save_random_checkpoint(osp.join(repo_root, config), path)
    return path


def test_target_on_a_seam_is_one_target(repo_root, tmp_path):
    # A random DNANet num4 (seed 0) responds more to the targets than to
    # anything else in this frame (measured: background <= 0.4821, target
    # peaks >= 0.4892), so a threshold between the two finds them all.
    config = 'configs/dnanet/dnanet_num4_nudt.py'
    inferencer = IRSTDInferencer(
        osp.join(repo_root, config),
        checkpoint_for(repo_root, tmp_path, config),
        slide=(CROP, STRIDE))
    inferencer.threshold = 0.486
    result = inferencer(seam_frame())[0]
    assert result.probabilities.shape == (HEIGHT, WIDTH)
    centroids = np.array([target.centroid for target in result.targets])
    distances = np.hypot(*(centroids[:, None] - np.array(SEAM_TARGETS)).T)
    # Each placed target found exactly once, and nothing else.
    assert len(result.targets) == len(SEAM_TARGETS)
    assert ((distances < TARGET_RADIUS).sum(axis=0) == 1).all()
    assert ((distances < TARGET_RADIUS).sum(axis=1) == 1).all()


@pytest.mark.parametrize('config', [
    'configs/dnanet/dnanet_num4_nudt.py',
    'configs/amfunet/amfunet_num4_nudt.py',
    'configs/dmfnet/dmfnet_num4_nudt.py'
])
def test_slide_mode_runs_every_network(repo_root, tmp_path, config):
    checkpoint = checkpoint_for(repo_root, tmp_path, config)
    image = seam_frame()
    sliced = IRSTDInferencer(
        osp.join(repo_root, config), checkpoint, slide=(CROP, STRIDE))
    probabilities = sliced(image)[0].probabilities
    assert probabilities.shape == (HEIGHT, WIDTH)
    assert np.isfinite(probabilities).all()
    # One tile covering the frame is whole-frame inference.
    one_tile = IRSTDInferencer(
        osp.join(repo_root, config),
        checkpoint,
        slide=((HEIGHT, WIDTH), (HEIGHT, WIDTH)))
    whole = IRSTDInferencer(osp.join(repo_root, config), checkpoint)
    np.testing.assert_allclose(
        one_tile(image)[0].probabilities,
        whole(image)[0].probabilities,
        atol=1e-6)


@pytest.fixture(scope='module')
def dnanet_files(repo_root, tmp_path_factory):
    """A random DNANet num4's checkpoint and its ONNX file."""
    folder = tmp_path_factory.mktemp('sliced')
    checkpoint = checkpoint_for(repo_root, folder, DNANET)
    network = IRSTDInferencer(osp.join(repo_root, DNANET),
                              checkpoint).network
    export_onnx(DeployedNetwork(network), str(folder / 'net.onnx'))
    return checkpoint, str(folder / 'net.onnx')


@pytest.mark.parametrize('backend', ['onnxruntime', 'openvino'])
def test_onnx_backends_slice_as_mmseg_does(repo_root, dnanet_files,
                                           backend):
    checkpoint, onnx_file = dnanet_files
    config = osp.join(repo_root, DNANET)
    calls = []
    sliced = IRSTDInferencer(
        config, onnx_file, backend=backend, slide=(CROP, STRIDE),
        on_tile=lambda done, total: calls.append((done, total)))
    expected = IRSTDInferencer(config, checkpoint, slide=(CROP, STRIDE))(
        seam_frame())[0].probabilities
    actual = sliced(seam_frame())[0].probabilities
    # Overlapping tiles' logits averaged, as mmseg's slide mode does: not
    # their probabilities, which would differ by up to ~1e-2 on the seams.
    np.testing.assert_allclose(actual, expected, atol=1e-4)
    assert_masks_agree(0.486, actual, expected, both_sides=True)
    # Six tiles, four per run of the graph.
    assert calls == [(4, 6), (6, 6)]


def test_onnx_slide_crop_must_be_a_multiple_of_the_stride(
        repo_root, dnanet_files):
    with pytest.raises(ValueError, match=r"\(90, 96\) must be a multiple of "
                       r"the network's stride 16"):
        IRSTDInferencer(
            osp.join(repo_root, DNANET), dnanet_files[1],
            backend='openvino', slide=((90, 96), STRIDE))


def test_every_tile_is_reported(repo_root, tmp_path):
    config = 'configs/dnanet/dnanet_num4_nudt.py'
    calls = []
    inferencer = IRSTDInferencer(
        osp.join(repo_root, config),
        checkpoint_for(repo_root, tmp_path, config),
        slide=(CROP, STRIDE),
        on_tile=lambda done, total: calls.append((done, total)))
    inferencer(seam_frame())
    # 160x224 in 96x96 tiles, stride 64: 2 rows x 3 columns (mmseg's grid).
    assert calls == [(k, 6) for k in range(1, 7)]
