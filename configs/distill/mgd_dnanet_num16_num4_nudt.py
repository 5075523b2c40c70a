# MGD (configs/_base_/distill/mgd.py) from DNANet num16 into num4
# on NUDT-SIRST (configs/_base_/distill/dnanet_nudt.py), on DSAD's layers.
_base_ = ['../_base_/distill/dnanet_nudt.py', '../_base_/distill/mgd.py']
# DSAD's layers (configs/_base_/distill/distill_points.py); connector
# widths are read from the built networks.
recorders = dict(
    encoder=dict(type='ModuleOutputs', source='backbone.conv4_0'),
    decoder=dict(type='ModuleOutputs', source='backbone.conv0_4'))
# distill_loss_weight (the factor on every distillation loss): chosen by
# compare_distill.py --tune for this pair at the demo schedule (synthetic
# data, 96x96 crops, 200 iterations; the layers above; docs/results.md,
# "MGD's spike and KD-SVD's NaN": re-tuned on 2026-12-03 with the
# connectors at 1/100 of the learning rate, below); re-tune for another
# schedule or dataset.
model = dict(
    _base_.networks,
    distiller=dict(student_recorders=recorders, teacher_recorders=recorders),
    distill_loss_weight=1)
# MGD's connectors (align 1x1 conv, generator 3x3 conv - ReLU - 3x3 conv)
# train at 1/100 of the student's learning rate; no paper says (MGD's own
# runs use SGD). They are fresh when distillation starts (iteration 50,
# the learning rate at its peak), and Adagrad's first step moves every
# weight by the learning rate whatever the loss weight or the warm-up
# ramp (g / sqrt(g^2) = ±1): ±0.05 on 3x3 convs of fan-in up to 2304
# initialised within ±0.021. The generated feature then blew up: in every
# MGD run, at every weight, the loss peaked 8,000-59,000 times above its
# later level two or three iterations in, the spike filled the student's
# Adagrad accumulators and the student under-trained. At 1/100 the first step is ±5e-4 and the
# spike is gone (docs/results.md, "MGD's spike").
optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys=dict(connectors=dict(lr_mult=0.01))))
