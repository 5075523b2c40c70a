"""IRSTDInferencer as an mmseg inferencer: its outputs on fixed frames are
the segmentor's own, whatever the batch size, with the config's pipeline.

The expected values are computed without the inferencer: pixels by hand
(grey replicated, 16-bit scaled), probabilities by the segmentor's own
``test_step`` on them, masks and targets from those probabilities.
"""
import os.path as osp
import warnings

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmseg.structures import SegDataSample
from PIL import Image

from mmdsad.apis import FrameResult, IRSTDInferencer, SkippedFrame
from mmdsad.apis.targets import find_targets

from .mask_parity import assert_masks_agree, settled_targets
from .random_weights import save_random_checkpoint

CONFIG = 'configs/dmfnet/dmfnet_num4_nudt.py'
THRESHOLD = 0.5
# Frames of one size run batched differ from themselves alone only by the
# float rounding of batched convolutions (measured: 2.4e-6).
BATCH_ATOL = 1e-5


@pytest.fixture(scope='module')
def network_and_checkpoint(repo_root, tmp_path_factory):
    path = str(tmp_path_factory.mktemp('ckpt') / 'random.pth')
    network = save_random_checkpoint(osp.join(repo_root, CONFIG), path)
    return network, path


@pytest.fixture(scope='module')
def fixed_frames(tmp_path_factory):
    """(frame, its raw values (H, W) or (H, W, 3)) of several sizes, 8 and
    16 bits, 1 and 3 channels, arrays and PNG files."""
    folder = tmp_path_factory.mktemp('frames')
    rng = np.random.default_rng(0)
    grey = (rng.random((37, 50)) * 40).astype(np.uint8)
    grey[10:13, 20:23] = 250
    grey[30:32, 5:7] = 200
    deep = (rng.random((40, 29)) * 9000).astype(np.uint16) * 7
    deep[5:8, 9:12] = 60000
    rgb = rng.integers(0, 120, (20, 30, 3), dtype=np.uint8)
    rgb[4:7, 4:7] = 255
    # 12-bit data: warned about under the 'full' scale.
    deep_rgb = rng.integers(0, 4000, (24, 18, 3), dtype=np.uint16)
    single = rng.integers(0, 90, (16, 16, 1), dtype=np.uint8)
    single[3:5, 3:5] = 240
    png = (rng.random((33, 45)) * 60).astype(np.uint8)
    png[20:23, 30:33] = 255
    cv2.imwrite(str(folder / 'frame8.png'), png)
    png16 = (rng.random((21, 19)) * 30000).astype(np.uint16)
    png16[2:5, 2:5] = 65000
    Image.fromarray(png16).save(folder / 'frame16.png')
    return [(grey, grey), (deep, deep), (rgb, rgb), (deep_rgb, deep_rgb),
            (single, single[..., 0]), (grey.copy(), grey),
            (str(folder / 'frame8.png'), png),
            (str(folder / 'frame16.png'), png16)]


def pixels_by_hand(raw, scale):
    """Float32 (H, W, 3) RGB in [0, 255], as the loader should give it."""
    values = raw.astype(np.float64)
    if raw.dtype == np.uint16:
        if scale == 'full':
            values = values * 255 / 65535
        else:
            # Per channel, as the loader stretches each channel.
            axes = (0, 1)
            low = values.min(axis=axes, keepdims=True)
            high = values.max(axis=axes, keepdims=True)
            values = (values - low) * 255 / (high - low)
    if values.ndim == 2:
        values = np.repeat(values[..., None], 3, axis=2)
    return values.astype(np.float32)


def own_probabilities(network, pixels):
    """The segmentor's own test_step on one frame (no inferencer)."""
    height, width = pixels.shape[:2]
    sample = SegDataSample(
        metainfo=dict(img_shape=(height, width), ori_shape=(height, width)))
    with torch.no_grad():
        result = network.test_step(
            dict(inputs=[torch.from_numpy(pixels.transpose(2, 0, 1).copy())],
                 data_samples=[sample]))[0]
    return result.seg_logits.data[0].numpy()


# Batches of 8 run the two 37x50 frames together.
@pytest.mark.parametrize('scale,batch_size', [('full', 1), ('full', 8),
                                              ('minmax', 3)])
def test_fixed_frames_give_the_segmentors_own_outputs(
        repo_root, network_and_checkpoint, fixed_frames, scale, batch_size):
    network, checkpoint = network_and_checkpoint
    inferencer = IRSTDInferencer(
        osp.join(repo_root, CONFIG), checkpoint, high_bit_scale=scale)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        results = inferencer([frame for frame, _ in fixed_frames],
                             batch_size=batch_size)
    low_bit = [w for w in caught if 'is 16-bit' in str(w.message)]
    # Only the 12-bit frame, and only under the 'full' scale.
    assert len(low_bit) == (scale == 'full')
    assert len(results) == len(fixed_frames)
    settled = 0
    for result, (_, raw) in zip(results, fixed_frames):
        pixels = pixels_by_hand(raw, scale)
        np.testing.assert_allclose(result.pixels, pixels, atol=1e-3)
        expected = own_probabilities(network, pixels)
        assert result.probabilities.shape == raw.shape[:2]
        np.testing.assert_allclose(
            result.probabilities, expected, atol=BATCH_ATOL)
        np.testing.assert_array_equal(result.mask,
                                      result.probabilities > THRESHOLD)
        assert_masks_agree(THRESHOLD, result.probabilities, expected)
        _, expected_targets = find_targets(expected, THRESHOLD)
        pairs = [
            settled_targets(targets, THRESHOLD, expected)
            for targets in (result.targets, expected_targets)
        ]
        assert [(t.bbox, t.area) for t in pairs[0]] == [
            (t.bbox, t.area) for t in pairs[1]]
        for actual, wanted in zip(*pairs):
            assert actual.centroid == pytest.approx(wanted.centroid)
            assert actual.peak == pytest.approx(wanted.peak, abs=BATCH_ATOL)
        settled += len(pairs[1])
    # The comparison is about targets, not only empty masks.
    assert settled >= 3


def test_batches_keep_order_skips_and_values(repo_root,
                                             network_and_checkpoint,
                                             fixed_frames):
    _, checkpoint = network_and_checkpoint
    inferencer = IRSTDInferencer(osp.join(repo_root, CONFIG), checkpoint)
    frames = [frame for frame, _ in fixed_frames]
    # A bad array inside a batch, and frames of one size in several places.
    frames = frames[:3] + [np.zeros((4, 4), np.float32)] + frames[3:]
    outcomes = {}
    for batch_size in (1, 3, 16):
        with pytest.warns(UserWarning, match='skipping array_3'):
            outcomes[batch_size] = list(
                inferencer.run(frames, batch_size=batch_size))
    for batch_size, outcome in outcomes.items():
        assert [type(o) for o in outcome] == [FrameResult] * 3 + [
            SkippedFrame
        ] + [FrameResult] * 5, batch_size
        assert [o.name for o in outcome] == [o.name for o in outcomes[1]]
        for single, batched in zip(outcomes[1], outcome):
            if isinstance(single, FrameResult):
                np.testing.assert_allclose(
                    batched.probabilities,
                    single.probabilities,
                    atol=BATCH_ATOL)


def test_the_pipeline_is_the_configs(repo_root, network_and_checkpoint):
    _, checkpoint = network_and_checkpoint
    cfg = Config.fromfile(osp.join(repo_root, CONFIG))
    cfg.test_dataloader.dataset.pipeline[0]['high_bit_scale'] = 'minmax'
    frame = np.linspace(1000, 3000, 24, dtype=np.uint16).reshape(4, 6)
    stretched = IRSTDInferencer(cfg, checkpoint)(frame)[0]
    assert stretched.pixels.max() == pytest.approx(255)
    assert stretched.pixels.min() == pytest.approx(0)
    # An explicit scale wins over the config's.
    with pytest.warns(UserWarning, match='16-bit'):
        full = IRSTDInferencer(
            cfg, checkpoint, high_bit_scale='full')(frame)[0]
    assert full.pixels.max() == pytest.approx(3000 * 255 / 65535, abs=1e-3)
    cfg.test_dataloader.dataset.pipeline = [dict(type='PackSegInputs')]
    with pytest.raises(ValueError, match='LoadIRImageFromFile'):
        IRSTDInferencer(cfg, checkpoint)


def test_overlays_come_from_the_visualizer(repo_root, network_and_checkpoint,
                                           fixed_frames):
    _, checkpoint = network_and_checkpoint
    inferencer = IRSTDInferencer(osp.join(repo_root, CONFIG), checkpoint)
    result = inferencer(fixed_frames[0][0], return_vis=True)[0]
    assert result.targets
    assert result.overlay.dtype == np.uint8
    assert result.overlay.shape == result.pixels.shape
    redrawn = inferencer.visualizer.draw_targets(result.pixels, result.mask)
    np.testing.assert_array_equal(result.overlay, redrawn)
    # Without return_vis nothing is drawn.
    assert inferencer(fixed_frames[0][0])[0].overlay is None


@pytest.mark.parametrize('batch_size', [0, -1, 1.5, True])
def test_a_batch_size_below_one_is_refused(repo_root, network_and_checkpoint,
                                           batch_size):
    _, checkpoint = network_and_checkpoint
    inferencer = IRSTDInferencer(osp.join(repo_root, CONFIG), checkpoint)
    with pytest.raises(ValueError, match='batch_size must be an integer'):
        inferencer(np.zeros((16, 16), np.uint8), batch_size=batch_size)
