# CCKD (Peng et al. 2019): correlation congruence of Taylor-RBF kernels
# (γ 0.4, order 2) between the cells of a 4x4 pooled grid of every image
# (CCKDLoss), on each layer of DSAD's set ('encoder', 'decoder'). Widths
# may differ, so no connector. Weight 0.02: the CC setting of the
# RepDistiller training scripts.
# A leaf adds the networks and the 'encoder' and 'decoder' recorders of
# both networks (configs/distill/cckd_dnanet_num16_num4_nudt.py).
_base_ = './single_teacher.py'
cckd_weight = 0.02
cckd_gamma = 0.4
cckd_order = 2
cckd_pool_size = 4
model = dict(
    distiller=dict(
        distill_losses={
            f'loss_cckd_{layer}': dict(
                type='CCKDLoss',
                gamma=cckd_gamma,
                order=cckd_order,
                pool_size=cckd_pool_size,
                loss_weight=cckd_weight)
            for layer in ('encoder', 'decoder')
        },
        loss_forward_mappings={
            f'loss_cckd_{layer}': dict(
                preds_S=dict(from_student=True, recorder=layer),
                preds_T=dict(from_student=False, recorder=layer))
            for layer in ('encoder', 'decoder')
        }))
