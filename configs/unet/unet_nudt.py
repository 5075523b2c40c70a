# A stock mmseg network on NUDT-SIRST: mmseg's UNet backbone (base width 8,
# 0.45 M parameters) and FCNHead with one output channel, DNANet's recipe.
# The plain network that configs/fdep/fdep_unet_nudt.py deploys.
_base_ = '../dnanet/dnanet_num4_nudt.py'
unet_width = 8
model = dict(
    _delete_=True,
    type='IRSTDEncoderDecoder',
    data_preprocessor=_base_.model.data_preprocessor,
    backbone=dict(
        type='UNet', in_channels=3, base_channels=unet_width, num_stages=5),
    decode_head=dict(
        type='FCNHead',
        in_channels=unet_width,
        in_index=-1,
        channels=unet_width,
        num_convs=1,
        concat_input=False,
        dropout_ratio=0,
        norm_cfg=dict(type='BN'),
        num_classes=2,
        out_channels=1,
        threshold=0.5,
        loss_decode=dict(type='SoftIoULoss')),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
