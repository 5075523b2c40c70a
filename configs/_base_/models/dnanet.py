# DNANet at the teacher width num16 (4.70 M params, 14.19 GMACs at 256x256).
# Images are 3-channel RGB from LoadIRImageFromFile (gray replicated), so no
# BGR->RGB swap; ImageNet statistics as in the reference code. The
# preprocessor pads to the network's stride 16 in training and testing.
num16 = (16, 32, 64, 128, 256)
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=False,
    pad_val=0,
    seg_pad_val=0,
    size_divisor=16,
    test_cfg=dict(size_divisor=16))
model = dict(
    type='EncoderDecoder',
    data_preprocessor=data_preprocessor,
    backbone=dict(type='DNANet', channels=num16, num_blocks=(2, 2, 2, 2)),
    decode_head=dict(
        type='DNANetHead',
        channels_per_level=num16,
        deep_supervision=True,
        loss_decode=dict(type='SoftIoULoss')),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
