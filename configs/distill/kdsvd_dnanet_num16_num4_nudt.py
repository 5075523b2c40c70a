# KD-SVD (configs/_base_/distill/kdsvd.py) from DNANet num16 into num4
# on NUDT-SIRST (configs/_base_/distill/dnanet_nudt.py), on DSAD's layers.
_base_ = ['../_base_/distill/dnanet_nudt.py', '../_base_/distill/kdsvd.py']
# DSAD's layers (configs/_base_/distill/distill_points.py); connector
# widths are read from the built networks.
recorders = dict(
    encoder=dict(type='ModuleOutputs', source='backbone.conv4_0'),
    decoder=dict(type='ModuleOutputs', source='backbone.conv0_4'))
# distill_loss_weight (the factor on every distillation loss): chosen by
# compare_distill.py --tune for this pair at the demo schedule (synthetic
# data, 96x96 crops, 200 iterations; the layers above; docs/results.md,
# "MGD's spike and KD-SVD's NaN": re-tuned on 2026-12-03 with the
# finite SVD gradient of KDSVDLoss); re-tune for another schedule or
# dataset.
model = dict(
    _base_.networks,
    distiller=dict(student_recorders=recorders, teacher_recorders=recorders),
    distill_loss_weight=0.052)
