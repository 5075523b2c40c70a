# DSAD into a student built from stock mmseg parts, configs/unet/unet_nudt.py
# (mmseg's UNet backbone of base width 8 and FCNHead with one output
# channel), taught by the DNANet num16 teacher. Any mmseg segmentor can be
# the student this way: name its layers in student_recorders; the
# connectors' widths are read from the built networks.
_base_ = './dsad_dnanet_num16_num4_nudt.py'
model = dict(
    architecture=dict(cfg_path='mmdsad::unet/unet_nudt.py', pretrained=False),
    distiller=dict(
        student_recorders=dict(
            # UNet's deepest encoder stage (1/16 size, 16 x width channels)
            # and its last, full-resolution decoder stage (mmseg's UNet lists
            # decoder stages from full resolution down).
            encoder=dict(source='backbone.encoder.4'),
            decoder=dict(source='backbone.decoder.0'))))
