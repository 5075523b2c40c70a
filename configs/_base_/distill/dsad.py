# DSAD (docs/paper-spec.md §1.2-1.6) on DSAD's layer set ('encoder': the
# deepest encoder stage, semantics at low resolution; 'decoder': a
# full-resolution decoder feature, localisation), each its own PWMSE loss:
# the student map goes through single_teacher_aligned.py's 1x1 conv + BN
# connector to the teacher's width (dropped at export); the weight map is
# DSA of the teacher map (fixed base kernel, no gradient). Loss (Eq. 13):
# alpha * SoftIoU + beta * sum of PWMSE with alpha : beta = 1 : 2; alpha = 1
# is the SoftIoU weight of the student's own config. The distillation
# warm-up is single_teacher.py's, as for every method.
# A leaf adds the networks and the 'encoder' and 'decoder' recorders of
# both networks (configs/distill/dsad_dnanet_num16_num4_nudt.py).
_base_ = './single_teacher_aligned.py'
beta = 2.0
# Spatial weights of PWMSE: 'DSAWeightConnector' (DSAD); the Table 4
# ablations are 'UniformWeightConnector' and 'CBAMWeightConnector'.
spatial_weight = dict(type='DSAWeightConnector')
model = dict(
    distiller=dict(
        connectors={
            f'{layer}_weight': spatial_weight
            for layer in ('encoder', 'decoder')
        },
        distill_losses={
            f'loss_pwmse_{layer}': dict(type='PWMSELoss', loss_weight=beta)
            for layer in ('encoder', 'decoder')
        },
        loss_forward_mappings={
            f'loss_pwmse_{layer}': dict(
                preds_S=dict(
                    from_student=True,
                    recorder=layer,
                    connector=f'{layer}_align'),
                preds_T=dict(from_student=False, recorder=layer),
                weight=dict(
                    from_student=False,
                    recorder=layer,
                    connector=f'{layer}_weight'))
            for layer in ('encoder', 'decoder')
        }))
