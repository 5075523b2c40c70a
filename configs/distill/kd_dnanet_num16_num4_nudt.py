# KD (configs/_base_/distill/kd.py) from DNANet num16 into num4
# on NUDT-SIRST (configs/_base_/distill/dnanet_nudt.py), on the output logits.
_base_ = ['../_base_/distill/dnanet_nudt.py', '../_base_/distill/kd.py']
# The head's outputs (configs/_base_/distill/distill_points.py).
head = dict(
    type='MethodOutputs',
    source='mmdsad.models.decode_heads.dnanet_head.DNANetHead.forward')
recorders = dict(logits=head)
# distill_loss_weight (the factor on every distillation loss): chosen by
# compare_distill.py --tune for this pair at the demo schedule (synthetic
# data, 96x96 crops, 200 iterations; the layers above; docs/results.md,
# "Table 1 on a fair footing", tuning of 2026-12-03); re-tune for another
# schedule or dataset.
model = dict(
    _base_.networks,
    distiller=dict(student_recorders=recorders, teacher_recorders=recorders),
    distill_loss_weight=1)
