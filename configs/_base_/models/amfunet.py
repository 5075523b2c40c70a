# AMFU-Net at the teacher width num16 = [16, 32, 64, 128, 256] (1.88 M
# params, 22.73 GMACs at 256x256); the reference hard-codes f = 8. Same
# data preprocessing as DNANet: 3-channel images, ImageNet statistics,
# padded to the network's stride 16 in training and testing.
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
    backbone=dict(type='AMFUNet', channels=num16),
    decode_head=dict(
        type='AMFUNetHead',
        channels_per_level=num16,
        loss_decode=dict(type='SoftIoULoss')),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
