# AT (Zagoruyko & Komodakis 2017): MMRazor's ATLoss, the L2-normalised
# channel mean of x^2 compared per position, on each layer of DSAD's set
# ('encoder', 'decoder'). Channel counts may differ, so no connector.
# Weight 1000: mdistiller's AT setting.
# A leaf adds the networks and the 'encoder' and 'decoder' recorders of
# both networks (configs/distill/at_dnanet_num16_num4_nudt.py).
_base_ = './single_teacher.py'
at_weight = 1000.0
model = dict(
    distiller=dict(
        distill_losses={
            f'loss_at_{layer}': dict(type='ATLoss', loss_weight=at_weight)
            for layer in ('encoder', 'decoder')
        },
        loss_forward_mappings={
            f'loss_at_{layer}': dict(
                s_feature=dict(from_student=True, recorder=layer),
                t_feature=dict(from_student=False, recorder=layer))
            for layer in ('encoder', 'decoder')
        }))
