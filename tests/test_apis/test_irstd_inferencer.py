"""IRSTDInferencer: probabilities, masks and targets of any frame."""
import os.path as osp

import cv2
import numpy as np
import pytest
import torch

from mmdsad.apis import (
    DeployedNetwork,
    FrameResult,
    IRSTDInferencer,
    SkippedFrame,
    export_onnx,
)

from .mask_parity import assert_masks_agree, settled_targets
from .random_weights import save_random_checkpoint

# A random DMFNet num4 (seed 0) finds about ten targets in FRAME: enough
# to compare backends on.
CONFIG = 'configs/dmfnet/dmfnet_num4_nudt.py'
STRIDE = 16
THRESHOLD = 0.5


def frame(height=37, width=50):
    rng = np.random.default_rng(0)
    image = (rng.random((height, width)) * 40).astype(np.uint8)
    image[10:13, 20:23] = 250
    image[30:32, 5:7] = 200
    return image


@pytest.fixture(scope='module')
def checkpoint(repo_root, tmp_path_factory):
    path = str(tmp_path_factory.mktemp('ckpt') / 'random.pth')
    save_random_checkpoint(osp.join(repo_root, CONFIG), path)
    return path


@pytest.fixture(scope='module')
def inferencer(repo_root, checkpoint):
    return IRSTDInferencer(osp.join(repo_root, CONFIG), checkpoint)


def test_frame_size_kept_and_depths_agree(inferencer):
    image = frame()
    results = inferencer([image, image.astype(np.uint16) * 257])
    assert len(results) == 2
    for result in results:
        assert result.probabilities.shape == result.mask.shape == (37, 50)
        np.testing.assert_array_equal(result.mask,
                                      result.probabilities > THRESHOLD)
    np.testing.assert_allclose(results[0].probabilities,
                               results[1].probabilities, atol=1e-6)
    assert_same_targets(results[1], results[0])


def test_frame_smaller_than_the_stride_is_padded_and_cropped(inferencer):
    image = frame(5, 7)
    result = inferencer(image)[0]
    assert result.probabilities.shape == (5, 7)
    # By hand: pad the normalised frame with zeros to the stride, run the
    # deployed network, crop.
    pixels = np.repeat(image[..., None], 3, axis=2).astype(np.float32)
    mean = np.array([123.675, 116.28, 103.53], np.float32)
    padded = np.empty((STRIDE, STRIDE, 3), np.float32)
    padded[...] = mean
    padded[:5, :7] = pixels
    with torch.no_grad():
        expected = DeployedNetwork(inferencer.network)(
            torch.from_numpy(padded.transpose(2, 0, 1))[None])[0, 0, :5, :7]
    np.testing.assert_allclose(
        result.probabilities, expected.numpy(), atol=1e-6)


def test_unreadable_frame_is_skipped_with_a_warning(inferencer, tmp_path):
    cv2.imwrite(str(tmp_path / 'good.png'), frame())
    data = (tmp_path / 'good.png').read_bytes()
    (tmp_path / 'truncated.png').write_bytes(data[:len(data) // 2])
    with pytest.warns(UserWarning, match='skipping truncated.png'):
        outcome = list(inferencer.run(str(tmp_path)))
    assert [type(o) for o in outcome] == [FrameResult, SkippedFrame]
    assert outcome[1].name == 'truncated.png'
    assert 'cannot decode' in outcome[1].reason


def test_onnxruntime_backend_gives_the_same_targets(repo_root, inferencer,
                                                    tmp_path):
    onnx_file = str(tmp_path / 'net.onnx')
    export_onnx(DeployedNetwork(inferencer.network), onnx_file)
    onnx_inferencer = IRSTDInferencer(
        osp.join(repo_root, CONFIG), onnx_file, backend='onnxruntime')
    frames = [frame(), frame(40, 29)]
    for expected, actual in zip(inferencer(frames), onnx_inferencer(frames)):
        np.testing.assert_allclose(
            actual.probabilities, expected.probabilities, atol=1e-4)
        assert_same_targets(actual, expected)


def assert_same_targets(actual, expected):
    """Two results of one frame agree on masks and targets, away from float
    noise at the threshold (mask_parity.py)."""
    assert_masks_agree(THRESHOLD, actual.probabilities,
                       expected.probabilities)
    settled = [
        settled_targets(result.targets, THRESHOLD, expected.probabilities)
        for result in (actual, expected)
    ]
    assert len(settled[1]) > 1
    assert [(t.bbox, t.area) for t in settled[0]] == [
        (t.bbox, t.area) for t in settled[1]
    ]
    for a, e in zip(*settled):
        assert a.centroid == pytest.approx(e.centroid)
        assert a.peak == pytest.approx(e.peak, abs=1e-4)


def test_unknown_backend_is_refused(repo_root, checkpoint):
    with pytest.raises(ValueError, match='backend'):
        IRSTDInferencer(
            osp.join(repo_root, CONFIG), checkpoint, backend='tensorrt')
