# DSAD (configs/_base_/distill/dsad.py) from AMFU-Net num16 into num4
# on NUDT-SIRST (configs/_base_/distill/amfunet_nudt.py), on DSAD's layers.
_base_ = ['../_base_/distill/amfunet_nudt.py', '../_base_/distill/dsad.py']
# DSAD's layers (configs/_base_/distill/distill_points.py); connector
# widths are read from the built networks.
recorders = dict(
    encoder=dict(type='ModuleOutputs', source='backbone.conv5'),
    decoder=dict(type='ModuleOutputs', source='decode_head.fuse1d'))
model = dict(
    _base_.networks,
    distiller=dict(student_recorders=recorders, teacher_recorders=recorders))
