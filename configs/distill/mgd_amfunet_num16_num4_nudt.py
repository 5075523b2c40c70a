# MGD (configs/_base_/distill/mgd.py) from AMFU-Net num16 into num4
# on NUDT-SIRST (configs/_base_/distill/amfunet_nudt.py), on DSAD's
# layers.
_base_ = ['../_base_/distill/amfunet_nudt.py', '../_base_/distill/mgd.py']
widths = _base_.layer_channels
model = dict(
    _base_.networks,
    distiller=dict(
        _base_.feature_distiller,
        connectors=dict(
            encoder_mgd=dict(
                student_channels=widths.encoder[0],
                teacher_channels=widths.encoder[1]),
            decoder_mgd=dict(
                student_channels=widths.decoder[0],
                teacher_channels=widths.decoder[1]))))
