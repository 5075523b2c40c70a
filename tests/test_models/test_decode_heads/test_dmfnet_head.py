import torch
import torch.nn.functional as F
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mmdsad.models.backbones import DMFNet
from mmdsad.models.backbones.dmfnet import NUM16_CHANNELS
from mmdsad.models.decode_heads import DMFNetHead

# The student width num4 (docs/networks.md §1).
NUM4_CHANNELS = (4, 8, 16, 32, 64)


def features(size=32, batch=2):
    backbone = DMFNet(channels=NUM4_CHANNELS).eval()
    with torch.no_grad():
        return backbone(torch.randn(batch, 3, size, size))


def test_single_output_at_full_size():
    head = DMFNetHead(channels_per_level=NUM4_CHANNELS)
    outs = head(features())
    assert len(outs) == 1 and outs[0].shape == (2, 1, 32, 32)


def test_projections_match_reference_widths():
    # Reference: Conv2d(inplanes[k], inplanes[0], 1) with inplanes[0] = 3.
    head = DMFNetHead(channels_per_level=NUM16_CHANNELS)
    widths = [(getattr(head, f'layer_f_{k}').in_channels,
               getattr(head, f'layer_f_{k}').out_channels) for k in range(5)]
    assert widths == [(16, 3), (32, 3), (64, 3), (128, 3), (256, 3)]
    assert head.final_layer.in_channels == 5 * 3
    assert head.final_layer.out_channels == 1
    wide = DMFNetHead(
        channels_per_level=NUM16_CHANNELS, projection_channels=16)
    assert wide.final_layer.in_channels == 5 * 16


def test_upsamples_then_projects():
    head = DMFNetHead(channels_per_level=NUM4_CHANNELS)
    feats = features()
    up = [
        f if f.shape[-2:] == (32, 32) else F.interpolate(
            f, size=(32, 32), mode='bilinear', align_corners=True)
        for f in feats
    ]
    projected = [getattr(head, f'layer_f_{k}')(f) for k, f in enumerate(up)]
    expected = head.final_layer(torch.cat(projected, dim=1))
    torch.testing.assert_close(head(feats)[0], expected)


def test_binary_head_settings():
    head = DMFNetHead(channels_per_level=NUM4_CHANNELS)
    assert head.out_channels == 1 and head.threshold == 0.5
    assert not hasattr(head, 'conv_seg')


def test_loss_is_soft_iou_of_the_output():
    torch.manual_seed(0)
    head = DMFNetHead(channels_per_level=NUM4_CHANNELS)
    feats = features()
    samples = []
    for _ in range(2):
        sample = SegDataSample()
        mask = torch.zeros(1, 32, 32, dtype=torch.long)
        mask[0, 10:13, 10:13] = 1
        sample.gt_sem_seg = PixelData(data=mask)
        samples.append(sample)
    losses = head.loss(feats, samples, train_cfg={})
    assert set(losses) == {'loss_softiou'}
    label = torch.stack([s.gt_sem_seg.data for s in samples]).squeeze(1)
    expected = head.loss_decode(head(feats)[0], label)
    torch.testing.assert_close(losses['loss_softiou'], expected)


def test_predict_returns_the_logits():
    head = DMFNetHead(channels_per_level=NUM4_CHANNELS).eval()
    feats = features()
    metas = [dict(img_shape=(32, 32), pad_shape=(32, 32))] * 2
    with torch.no_grad():
        torch.testing.assert_close(
            head.predict(feats, metas, test_cfg={}), head(feats)[0])
