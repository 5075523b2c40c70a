# DSAD's distiller (paper-spec.md §1.2-1.6), shared by every network: two
# distilled layers, each its own PWMSE loss entry,
# - 'encoder': the deepest encoder stage (semantics, low resolution);
# - 'decoder': a full-resolution decoder feature (localisation);
# the student's map goes through a learnable 1x1 conv + BN connector to the
# teacher's width (dropped at export); the weight map is DSA of the teacher
# map (fixed base kernel, no gradient). A network's dsad_<net>.py fills in
# the recorder sources and the connector widths. Loss (Eq. 13):
# alpha * SoftIoU + beta * sum of PWMSE, alpha : beta = 1 : 2.
alpha = 1.0
beta = 2.0
# When distillation starts (the paper does not say): off for the first 50
# iterations, then ramped linearly to beta over 100. From the first
# iteration, the distillation gradients of a freshly initialised student
# are 100-200x SoftIoU's and fill Adagrad's accumulators, which shrinks
# every later task step; docs/dsad-collapse.md has the measurements. At the
# paper's length (1500 epochs of 42 iterations on NUDT-SIRST) this is the
# first 3.6 epochs, a setting measured on the demo's schedule only.
custom_hooks = [
    dict(type='DistillLossWarmupHook', start_iter=50, warmup_iters=100)
]
# Spatial weights of PWMSE: 'DSAWeightConnector' (DSAD); the Table 4
# ablations are 'UniformWeightConnector' and 'CBAMWeightConnector'.
spatial_weight = dict(type='DSAWeightConnector')
student_align = dict(
    type='ConvModuleConnector',
    kernel_size=1,
    norm_cfg=dict(type='BN'),
    act_cfg=None)


def _mapping(layer):
    return dict(
        preds_S=dict(
            from_student=True, recorder=layer, connector=f'{layer}_align'),
        preds_T=dict(from_student=False, recorder=layer),
        weight=dict(
            from_student=False, recorder=layer,
            connector=f'{layer}_weight'))


dsad_distiller = dict(
    type='ConfigurableDistiller',
    connectors=dict(
        encoder_weight=spatial_weight, decoder_weight=spatial_weight),
    distill_losses=dict(
        loss_pwmse_encoder=dict(type='PWMSELoss', loss_weight=beta),
        loss_pwmse_decoder=dict(type='PWMSELoss', loss_weight=beta)),
    loss_forward_mappings=dict(
        loss_pwmse_encoder=_mapping('encoder'),
        loss_pwmse_decoder=_mapping('decoder')))
# The MMRazor algorithm around it (SingleTeacherDistill that refuses a
# missing, unsafe or mismatched teacher checkpoint and misspelt recorders);
# a network's dsad_<net>.py adds the student (architecture), the teacher and
# its checkpoint.
dsad_algorithm = dict(
    _scope_='mmrazor',
    type='CheckedTeacherDistill',
    teacher_trainable=False,
    teacher_norm_eval=True,
    distiller=dsad_distiller)
