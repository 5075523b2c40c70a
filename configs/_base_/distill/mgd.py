# MGD (Yang et al. 2022): MMRazor's MGDConnector (random masking, λ 0.65,
# then generation; its 1x1 conv also maps the student to the teacher's
# width) and MGDLoss (α 2e-5), the paper's settings, on each layer of
# DSAD's set ('encoder', 'decoder').
# A leaf adds the networks and the 'encoder' and 'decoder' recorders of
# both networks (configs/distill/mgd_dnanet_num16_num4_nudt.py).
_base_ = './single_teacher.py'
mgd_lambda = 0.65
mgd_alpha = 2e-5
model = dict(
    distiller=dict(
        connectors={
            f'{layer}_mgd': dict(type='MGDConnector', lambda_mgd=mgd_lambda)
            for layer in ('encoder', 'decoder')
        },
        distill_losses={
            f'loss_mgd_{layer}': dict(type='MGDLoss', alpha_mgd=mgd_alpha)
            for layer in ('encoder', 'decoder')
        },
        loss_forward_mappings={
            f'loss_mgd_{layer}': dict(
                preds_S=dict(
                    from_student=True,
                    recorder=layer,
                    connector=f'{layer}_mgd'),
                preds_T=dict(from_student=False, recorder=layer))
            for layer in ('encoder', 'decoder')
        }))
