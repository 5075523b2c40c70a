# DMFNet at the teacher width num16 (11.11 M params, 40.21 GMACs at
# 256x256). Data preprocessing: irstd_preprocessor.py (it pads to stride
# 16; the network needs 8).
#
# One image in: in training the backbone's train_blur module blurs the
# first encoder's input (per-sample sigma ~ U(0, 1), the reference's PIL
# radius) and the second sees the clean image; in eval mode the module is
# the identity, so both see the same image. train_blur=None removes it.
# Parameter count includes TCFM's post_2, built but unused by the
# reference and counted by the paper.
_base_ = './irstd_preprocessor.py'
num16 = (16, 32, 64, 128, 256)
model = dict(
    type='IRSTDEncoderDecoder',
    data_preprocessor=_base_.data_preprocessor,
    backbone=dict(
        type='DMFNet',
        channels=num16,
        num_blocks=(2, 2, 2, 2),
        train_blur=dict(
            type='RandomBatchGaussianBlur', sigma_range=(0.0, 1.0))),
    decode_head=dict(
        type='DMFNetHead',
        channels_per_level=num16,
        # The reference projects every scale to 3 channels, not c0.
        projection_channels=3,
        loss_decode=dict(type='SoftIoULoss')),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
# "+DSA" (DSAD Table 5): DSA with a learnable 3x3 base kernel re-weights
# every TCFM output spatially (see DMFNet's docstring). A config merges it
# into its network: model = _base_.with_dsa.
with_dsa = dict(
    backbone=dict(spatial_attention=dict(type='DSA', learnable=True)))
