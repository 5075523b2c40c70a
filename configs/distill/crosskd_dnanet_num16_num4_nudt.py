# CrossKD (configs/_base_/distill/crosskd.py) from DNANet num16 into num4
# on NUDT-SIRST (configs/_base_/distill/dnanet_nudt.py), through the
# teacher's head.
_base_ = ['../_base_/distill/dnanet_nudt.py', '../_base_/distill/crosskd.py']
# The hand-over point (configs/_base_/distill/distill_points.py): the input
# of the fusion block, the concatenated pyramid; student_align's widths are
# read from the built networks.
cross_input = dict(type='ModuleInputs', source='decode_head.conv0_4_final')
head = dict(
    type='MethodOutputs',
    source='mmdsad.models.decode_heads.dnanet_head.DNANetHead.forward')
# distill_loss_weight (the factor on every distillation loss): chosen by
# compare_distill.py --tune for this pair at the demo schedule (synthetic
# data, 96x96 crops, 200 iterations; the layers above; docs/results.md,
# "Table 1 on a fair footing", tuning of 2026-12-03); re-tune for another
# schedule or dataset.
model = dict(
    _base_.networks,
    distiller=dict(
        student_recorders=dict(cross_input=cross_input),
        teacher_recorders=dict(cross_input=cross_input, logits=head)),
    distill_loss_weight=0.021)
