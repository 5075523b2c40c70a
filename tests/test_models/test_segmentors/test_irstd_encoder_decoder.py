"""Test-time batches of mixed sizes: each image is predicted (and scored)
as if it were alone, at its native size padded to the stride."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

from mmdsad.evaluation.metrics import IRSTDMetric

# (height, width): 48x48, 80x32 and 32x32 once padded to the stride 16.
SIZES = [(37, 45), (70, 30), (20, 27)]
CONFIGS = [
    'configs/dnanet/dnanet_num4_sirst.py',
    'configs/amfunet/amfunet_num4_sirst.py',
    'configs/dmfnet/dmfnet_num4_sirst.py',
]


def _frames(sizes, seed=0):
    """(image, sample with a 2x2 target in its ground truth) per size."""
    generator = torch.Generator().manual_seed(seed)
    frames = []
    for height, width in sizes:
        image = torch.randint(
            0, 120, (3, height, width), dtype=torch.uint8,
            generator=generator)
        image[:, 5:7, 8:10] = 250
        gt = torch.zeros(1, height, width, dtype=torch.long)
        gt[0, 5:7, 8:10] = 1
        sample = SegDataSample(
            metainfo=dict(img_shape=(height, width),
                          ori_shape=(height, width)))
        sample.gt_sem_seg = PixelData(data=gt)
        frames.append((image, sample))
    return frames


def _predict(model, frames):
    data = dict(
        inputs=[image for image, _ in frames],
        data_samples=[sample.clone() for _, sample in frames])
    with torch.no_grad():
        return model.test_step(data)


def _metrics(results, threshold):
    metric = IRSTDMetric(threshold=threshold)
    metric.process({}, [result.to_dict() for result in results])
    return metric.compute_metrics(metric.results)


@pytest.fixture(scope='module', params=CONFIGS)
def model(request, repo_root):
    init_default_scope('mmseg')
    torch.manual_seed(0)
    cfg = Config.fromfile(osp.join(repo_root, request.param))
    return MODELS.build(cfg.model).eval()


def test_alone_and_in_a_mixed_batch_give_identical_predictions(model):
    frames = _frames(SIZES)
    alone = [_predict(model, [frame])[0] for frame in frames]
    batch = _predict(model, frames)
    for (height, width), one, mixed in zip(SIZES, alone, batch):
        assert mixed.seg_logits.data.shape == (1, height, width)
        # Each image runs on its own in both cases (the same tensor, the
        # same kernels), so the probabilities are bit for bit the same.
        assert torch.equal(mixed.seg_logits.data, one.seg_logits.data)
        assert torch.equal(mixed.pred_sem_seg.data, one.pred_sem_seg.data)
    # Random weights put every probability near 0.57: thresholding at
    # their median makes the metrics sensitive to the smallest change.
    threshold = torch.cat(
        [one.seg_logits.data.flatten() for one in alone]).median().item()
    alone_metrics = _metrics(alone, threshold)
    batch_metrics = _metrics(batch, threshold)
    assert batch_metrics == alone_metrics
    assert set(alone_metrics) >= {'IoU', 'nIoU', 'Pd', 'Fa_1e-6'}


def test_images_of_one_padded_shape_are_predicted_together(model):
    # 37x45 and 40x33 both pad to 48x48: one group, as mmseg batches them.
    frames = _frames([(37, 45), (40, 33), (70, 30)])
    alone = [_predict(model, [frame])[0] for frame in frames]
    batch = _predict(model, frames)
    for one, mixed in zip(alone, batch):
        # A batch of two may pick other kernels than a batch of one.
        torch.testing.assert_close(
            mixed.seg_logits.data, one.seg_logits.data, atol=1e-5, rtol=0)


def test_padding_to_the_batch_is_recorded_per_image(model):
    frames = _frames(SIZES)
    data = dict(
        inputs=[image for image, _ in frames],
        data_samples=[sample for _, sample in frames])
    out = model.data_preprocessor(data, False)
    assert tuple(out['inputs'].shape) == (3, 3, 80, 48)
    assert [s.single_pad_shape for s in out['data_samples']] == [
        (48, 48), (80, 32), (32, 32)
    ]
    padding = [
        tuple(map(int, s.img_padding_size)) for s in out['data_samples']
    ]
    assert padding == [(0, 3, 0, 43), (0, 18, 0, 10), (0, 21, 0, 60)]
