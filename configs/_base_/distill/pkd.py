# PKD (Cao et al. 2022): MMRazor's PKDLoss, MSE of the per-channel
# standardised (Pearson) features, on each layer of DSAD's set ('encoder',
# 'decoder'). It needs equal widths: the student map goes through the 1x1
# connector of single_teacher_aligned.py. Weight 6: MMRazor's mmdet PKD
# configs.
# A leaf adds the networks and the 'encoder' and 'decoder' recorders of
# both networks (configs/distill/pkd_dnanet_num16_num4_nudt.py).
_base_ = './single_teacher_aligned.py'
pkd_weight = 6.0
model = dict(
    distiller=dict(
        distill_losses={
            f'loss_pkd_{layer}': dict(type='PKDLoss', loss_weight=pkd_weight)
            for layer in ('encoder', 'decoder')
        },
        loss_forward_mappings={
            f'loss_pkd_{layer}': dict(
                preds_S=dict(
                    from_student=True,
                    recorder=layer,
                    connector=f'{layer}_align'),
                preds_T=dict(from_student=False, recorder=layer))
            for layer in ('encoder', 'decoder')
        }))
