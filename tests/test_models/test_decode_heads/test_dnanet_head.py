import torch
from mmengine.model import BaseModel
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mmdsad.models.backbones import DNANet
from mmdsad.models.decode_heads import DNANetHead

# The student width num4 (docs/networks.md §1).
NUM4_CHANNELS = (4, 8, 16, 32, 64)


def features(size=32):
    return DNANet(channels=NUM4_CHANNELS)(torch.randn(2, 3, size, size))


def test_four_deep_supervision_outputs_at_full_size():
    head = DNANetHead(channels_per_level=NUM4_CHANNELS)
    outs = head(features())
    assert len(outs) == 4
    assert all(o.shape == (2, 1, 32, 32) for o in outs)


def test_single_output_without_deep_supervision():
    head = DNANetHead(
        channels_per_level=NUM4_CHANNELS, deep_supervision=False)
    assert len(head(features())) == 1


def test_binary_head_settings():
    head = DNANetHead(channels_per_level=NUM4_CHANNELS)
    assert head.out_channels == 1 and head.threshold == 0.5
    assert not hasattr(head, 'conv_seg')


def test_loss_is_mean_over_outputs():
    torch.manual_seed(0)
    head = DNANetHead(channels_per_level=NUM4_CHANNELS)
    feats = features()
    samples = []
    for _ in range(2):
        sample = SegDataSample()
        mask = torch.zeros(1, 32, 32, dtype=torch.long)
        mask[0, 10:13, 10:13] = 1
        sample.gt_sem_seg = PixelData(data=mask)
        samples.append(sample)
    losses = head.loss(feats, samples, train_cfg={})
    outs = head(feats)
    assert set(losses) == {'loss_softiou'} | {
        f'softiou_out{index}'
        for index in range(len(outs))
    }
    label = torch.stack([s.gt_sem_seg.data for s in samples]).squeeze(1)
    per_output = [head.loss_decode(o, label) for o in outs]
    torch.testing.assert_close(losses['loss_softiou'],
                               sum(per_output) / len(outs))
    # Each output's own loss is logged, outside the total (no 'loss' in
    # the key) and without gradient, so a dying prediction shows in
    # training although the mean hides it.
    for index, expected in enumerate(per_output):
        logged = losses[f'softiou_out{index}']
        assert not logged.requires_grad
        torch.testing.assert_close(logged, expected.detach())
    total, log_vars = BaseModel.parse_losses(None, losses)
    torch.testing.assert_close(total, losses['loss_softiou'])
    assert f'softiou_out{len(outs) - 1}' in log_vars


def test_predict_uses_last_output():
    head = DNANetHead(channels_per_level=NUM4_CHANNELS).eval()
    feats = features()
    metas = [dict(img_shape=(32, 32), pad_shape=(32, 32))] * 2
    with torch.no_grad():
        pred = head.predict(feats, metas, test_cfg={})
        torch.testing.assert_close(pred, head(feats)[-1])
