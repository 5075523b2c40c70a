import os.path as osp

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

from mmdsad.models.backbones import AMFUNet
from mmdsad.models.decode_heads import AMFUNetHead
from mmdsad.models.layers import DSA, ResCBAMBlock

# The student width num4 (docs/networks.md §1).
NUM4_CHANNELS = (4, 8, 16, 32, 64)


def features(size=32, batch=2):
    return AMFUNet(channels=NUM4_CHANNELS)(torch.randn(batch, 3, size, size))


def test_six_outputs_at_full_size_fused_last():
    head = AMFUNetHead(channels_per_level=NUM4_CHANNELS)
    outs = head(features())
    assert len(outs) == 6
    assert all(o.shape == (2, 1, 32, 32) for o in outs)
    torch.testing.assert_close(outs[-1], sum(outs[:5]) / 5)


def test_decoder_widths_and_branches():
    head = AMFUNetHead(channels_per_level=NUM4_CHANNELS)
    decoded = head.decode(features())
    for stage, size in zip((1, 2, 3, 4), (32, 16, 8, 4)):
        assert decoded[stage].shape == (2, 20, size, size)
        branches = getattr(head, f'branches{stage}d')
        assert len(branches) == 5
        assert all(b[0].out_channels == 4 for b in branches)
        assert branches[-1][0].in_channels == 64  # hd5 is 16f wide
    # Stage 3 sees h1, h2, h3 (4, 8, 16 channels), hd4 (5f) and hd5 (16f).
    assert [b[0].in_channels for b in head.branches3d] == [4, 8, 16, 20, 64]
    assert head.outconv5.in_channels == 64
    assert head.outconv1.in_channels == 20
    assert all(
        getattr(head, f'outconv{s}').kernel_size == (3, 3)
        for s in range(1, 6))


def test_attention_block_is_shared_by_the_four_stages():
    head = AMFUNetHead(channels_per_level=NUM4_CHANNELS)
    blocks = [m for m in head.modules() if isinstance(m, ResCBAMBlock)]
    assert blocks == [head.cat_attn]
    assert head.cat_attn.ca.hidden_channels == 20 // 8
    assert head.cat_attn.sa.conv.kernel_size == (3, 3)
    calls = []
    head.cat_attn.register_forward_hook(
        lambda module, inputs, output: calls.append(output.shape[-1]))
    head(features())
    assert calls == [4, 8, 16, 32]


def test_dsa_in_the_shared_block():
    head = AMFUNetHead(
        channels_per_level=NUM4_CHANNELS,
        spatial_attention=dict(type='DSA', learnable=True))
    assert isinstance(head.cat_attn.sa, DSA)
    assert len(head(features())) == 6


def test_loss_is_mean_over_six_outputs():
    torch.manual_seed(0)
    head = AMFUNetHead(channels_per_level=NUM4_CHANNELS)
    feats = features()
    samples = []
    for _ in range(2):
        mask = torch.zeros(1, 32, 32, dtype=torch.long)
        mask[0, 10:13, 10:13] = 1
        samples.append(SegDataSample(gt_sem_seg=PixelData(data=mask)))
    losses = head.loss(feats, samples, train_cfg={})
    outs = head(feats)
    label = torch.stack([s.gt_sem_seg.data for s in samples]).squeeze(1)
    expected = sum(head.loss_decode(o, label) for o in outs) / 6
    torch.testing.assert_close(losses['loss_softiou'], expected)


def test_predict_uses_fused_output():
    head = AMFUNetHead(channels_per_level=NUM4_CHANNELS).eval()
    feats = features()
    metas = [dict(img_shape=(32, 32), pad_shape=(32, 32))] * 2
    with torch.no_grad():
        torch.testing.assert_close(
            head.predict(feats, metas, test_cfg={}), head(feats)[-1])


def test_config_model_predicts_binary_mask_at_odd_size(repo_root):
    cfg = Config.fromfile(
        osp.join(repo_root, 'configs/amfunet/amfunet_num4_sirst.py'))
    init_default_scope('mmseg')
    model = MODELS.build(cfg.model).eval()
    height, width = 75, 101  # padded to 80 x 112 inside, cropped back
    image = torch.randint(0, 255, (3, height, width), dtype=torch.uint8)
    sample = SegDataSample(
        metainfo=dict(ori_shape=(height, width), img_shape=(height, width)))
    with torch.no_grad():
        result = model.test_step(
            dict(inputs=[image], data_samples=[sample]))[0]
    pred = result.pred_sem_seg.data
    assert pred.shape == (1, height, width)
    assert set(pred.unique().tolist()) <= {0, 1}
    torch.testing.assert_close(
        pred, (result.seg_logits.data > 0.5).to(pred.dtype))
