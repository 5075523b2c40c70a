# DSAD (configs/_base_/distill/dsad.py) from DMFNet num16 into num4
# on NUDT-SIRST (configs/_base_/distill/dmfnet_nudt.py), on DSAD's layers.
_base_ = ['../_base_/distill/dmfnet_nudt.py', '../_base_/distill/dsad.py']
# DSAD's layers (configs/_base_/distill/distill_points.py); connector
# widths are read from the built networks.
recorders = dict(
    encoder=dict(type='ModuleOutputs', source='backbone.layer_4_0'),
    decoder=dict(type='ModuleOutputs', source='backbone.layer_0_1'))
model = dict(
    _base_.networks,
    distiller=dict(student_recorders=recorders, teacher_recorders=recorders))
