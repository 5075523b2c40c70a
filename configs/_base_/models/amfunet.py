# AMFU-Net at the teacher width num16 = [16, 32, 64, 128, 256] (1.88 M
# params, 22.73 GMACs at 256x256); the reference hard-codes f = 8. Data
# preprocessing: irstd_preprocessor.py.
_base_ = './irstd_preprocessor.py'
num16 = (16, 32, 64, 128, 256)
model = dict(
    type='EncoderDecoder',
    data_preprocessor=_base_.data_preprocessor,
    backbone=dict(type='AMFUNet', channels=num16),
    decode_head=dict(
        type='AMFUNetHead',
        channels_per_level=num16,
        loss_decode=dict(type='SoftIoULoss')),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
