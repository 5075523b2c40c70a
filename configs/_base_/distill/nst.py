# NST (Huang & Wang 2017): squared polynomial-kernel MMD between the
# channel distributions of student and teacher (NSTLoss), on each layer of
# DSAD's set ('encoder', 'decoder'). Channel counts may differ, so no
# connector. Weight 50: the NST setting of mdistiller / RepDistiller.
# A leaf adds the networks and the 'encoder' and 'decoder' recorders of
# both networks (configs/distill/nst_dnanet_num16_num4_nudt.py).
_base_ = './single_teacher.py'
nst_weight = 50.0
model = dict(
    distiller=dict(
        distill_losses={
            f'loss_nst_{layer}': dict(type='NSTLoss', loss_weight=nst_weight)
            for layer in ('encoder', 'decoder')
        },
        loss_forward_mappings={
            f'loss_nst_{layer}': dict(
                preds_S=dict(from_student=True, recorder=layer),
                preds_T=dict(from_student=False, recorder=layer))
            for layer in ('encoder', 'decoder')
        }))
