# DNANet at the teacher width num16 (4.70 M params, 14.19 GMACs at 256x256).
# Data preprocessing: irstd_preprocessor.py.
_base_ = './irstd_preprocessor.py'
num16 = (16, 32, 64, 128, 256)
model = dict(
    type='IRSTDEncoderDecoder',
    data_preprocessor=_base_.data_preprocessor,
    backbone=dict(type='DNANet', channels=num16, num_blocks=(2, 2, 2, 2)),
    decode_head=dict(
        type='DNANetHead',
        channels_per_level=num16,
        deep_supervision=True,
        loss_decode=dict(type='SoftIoULoss')),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
# "+DSA" (DSAD Table 5): DSA with a learnable 3x3 base kernel in place of
# CBAM's spatial attention in every residual block, backbone and head. A
# config merges it into its network: model = _base_.with_dsa.
dsa = dict(type='DSA', learnable=True)
with_dsa = dict(
    backbone=dict(spatial_attention=dsa),
    decode_head=dict(spatial_attention=dsa))
