# DSAD into a student built from stock mmseg parts: mmseg's UNet backbone
# (base width 8, 0.45 M parameters) and FCNHead with one output channel,
# taught by the DNANet num16 teacher. Any mmseg segmentor can be the
# student this way: name its layers in student_recorders and set the
# connectors' input widths.
_base_ = './dsad_dnanet_num16_num4_nudt.py'
unet_width = 8
student = dict(
    _scope_='mmseg',
    type='EncoderDecoder',
    data_preprocessor=_base_.student.data_preprocessor,
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
        loss_decode=dict(type='SoftIoULoss', loss_weight=_base_.alpha)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
model = dict(
    architecture=dict(_delete_=True, **student),
    distiller=dict(
        student_recorders=dict(
            # UNet's deepest encoder stage (1/16 size, 16 x width channels)
            # and its last, full-resolution decoder stage (mmseg's UNet lists
            # decoder stages from full resolution down).
            encoder=dict(source='backbone.encoder.4'),
            decoder=dict(source='backbone.decoder.0')),
        connectors=dict(
            encoder_align=dict(in_channel=16 * unet_width),
            decoder_align=dict(in_channel=unet_width))))
