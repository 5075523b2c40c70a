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


@pytest.fixture(scope='module')
def onnx_file(inferencer, tmp_path_factory):
    path = str(tmp_path_factory.mktemp('onnx') / 'net.onnx')
    export_onnx(DeployedNetwork(inferencer.network), path)
    return path


@pytest.mark.parametrize('backend', ['onnxruntime', 'openvino'])
def test_onnx_backends_give_the_same_targets(repo_root, inferencer,
                                             onnx_file, backend):
    # One file for both runtimes, one and two threads.
    onnx_inferencer = IRSTDInferencer(
        osp.join(repo_root, CONFIG), onnx_file, backend=backend, threads=2)
    frames = [frame(), frame(40, 29)]
    for expected, actual in zip(inferencer(frames), onnx_inferencer(frames)):
        np.testing.assert_allclose(
            actual.probabilities, expected.probabilities, atol=1e-4)
        assert_same_targets(actual, expected)
    # Two frames of one size run as one (2, 3, H, W) batch of the graph.
    batched = onnx_inferencer([frames[0], frames[0][::-1]], batch_size=2)
    alone = onnx_inferencer([frames[0][::-1]])[0]
    np.testing.assert_allclose(
        batched[1].probabilities, alone.probabilities, atol=1e-5)


def test_openvino_bf16_backend_is_near_fp32(repo_root, inferencer,
                                            onnx_file):
    bf16 = IRSTDInferencer(
        osp.join(repo_root, CONFIG), onnx_file, backend='openvino_bf16',
        threads=1)
    # bf16 where the CPU has it (AVX-512 BF16, AMX), else f32.
    precision = bf16.model.runtime.precision
    assert precision in ('bf16', 'f32')
    for expected, actual in zip(inferencer([frame(), frame(40, 29)]),
                                bf16([frame(), frame(40, 29)])):
        difference = np.abs(actual.probabilities - expected.probabilities)
        # An 8-bit mantissa, through a random network's steep sigmoid:
        # a few 1e-3 on average, a few 1e-2 at most.
        assert difference.mean() < 1e-2 and difference.max() < 0.1
        if precision == 'f32':
            assert difference.max() < 1e-4


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


def test_unusable_arrays_are_skipped_and_the_others_kept(inferencer):
    frames = [
        frame(),
        np.zeros((0, 0), np.uint8),
        np.zeros((5, 0, 3), np.uint16),
        np.zeros((8, 8), np.float32),
        frame(20, 30),
    ]
    with pytest.warns(UserWarning) as record:
        outcomes = list(inferencer.run(frames))
    assert [type(o) for o in outcomes] == [
        FrameResult, SkippedFrame, SkippedFrame, SkippedFrame, FrameResult
    ]
    assert [o.name for o in outcomes[1:4]] == ['array_1', 'array_2', 'array_3']
    assert 'empty' in outcomes[1].reason and 'empty' in outcomes[2].reason
    assert 'float32' in outcomes[3].reason
    assert sum('skipping array_' in str(w.message) for w in record) == 3
    # A call keeps the results of the frames around the bad ones.
    with pytest.warns(UserWarning):
        results = inferencer(frames)
    assert [r.mask.shape for r in results] == [(37, 50), (20, 30)]


def test_12_bit_frame_warns_and_points_at_minmax(repo_root, checkpoint,
                                                 inferencer, recwarn):
    twelve_bit = frame().astype(np.uint16) * 16  # at most 4000
    with pytest.warns(UserWarning, match='frame array_0 is 16-bit') as record:
        inferencer(twelve_bit)
    assert "high_bit_scale='minmax'" in str(record[0].message)
    recwarn.clear()
    stretched = IRSTDInferencer(
        osp.join(repo_root, CONFIG), checkpoint, high_bit_scale='minmax')
    assert len(stretched(twelve_bit)) == 1
    # A frame using the 16-bit range is not warned about either.
    inferencer(frame().astype(np.uint16) * 257)
    assert not [w for w in recwarn if '16-bit' in str(w.message)]


@pytest.mark.parametrize('backend',
                         ['onnxruntime', 'openvino', 'openvino_bf16'])
def test_corrupt_onnx_file_is_named_with_the_fix(repo_root, checkpoint,
                                                  tmp_path, backend):
    config = osp.join(repo_root, CONFIG)
    broken = tmp_path / 'broken.onnx'
    broken.write_bytes(b'\x08\x07 not really a model')
    with pytest.raises(OSError, match='broken.onnx') as error:
        IRSTDInferencer(config, str(broken), backend=backend)
    assert 'tools/deployment/pytorch2onnx.py' in str(error.value)
    with pytest.raises(ValueError, match='PyTorch checkpoint'):
        IRSTDInferencer(config, checkpoint, backend=backend)
    with pytest.raises(FileNotFoundError, match='absent.onnx'):
        IRSTDInferencer(
            config, str(tmp_path / 'absent.onnx'), backend=backend)


@pytest.mark.parametrize('name', ['net.onnx', 'net.bin', 'net.xml'])
def test_onnx_file_for_the_pytorch_backend_is_refused(repo_root, tmp_path,
                                                      name):
    # By the suffix, or by the content (a ModelProto's first byte).
    model = tmp_path / name
    model.write_bytes(b'\x08\x07' + bytes(30))
    with pytest.raises(ValueError, match="backend='onnxruntime'") as error:
        IRSTDInferencer(osp.join(repo_root, CONFIG), str(model))
    assert name in str(error.value)
    assert '--backend onnxruntime' in str(error.value)
