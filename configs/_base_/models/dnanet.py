# DNANet at the teacher width num16 (4.70 M params, 14.19 GMACs at 256x256).
# Data preprocessing: irstd_preprocessor.py.
_base_ = './irstd_preprocessor.py'
num16 = (16, 32, 64, 128, 256)
model = dict(
    type='EncoderDecoder',
    data_preprocessor=_base_.data_preprocessor,
    backbone=dict(type='DNANet', channels=num16, num_blocks=(2, 2, 2, 2)),
    decode_head=dict(
        type='DNANetHead',
        channels_per_level=num16,
        deep_supervision=True,
        loss_decode=dict(type='SoftIoULoss')),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
