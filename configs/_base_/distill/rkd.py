# RKD (Park et al. 2019): MMRazor's DistanceWiseRKD (weight 25) and
# AngleWiseRKD (weight 50), the weights of the RKD paper and mdistiller, on
# each layer of DSAD's set ('encoder', 'decoder'). Both flatten a sample
# into one embedding and the angle form builds an N x N x D tensor, so
# student and teacher maps are first average-pooled to 4x4 (a full-
# resolution decoder map of a batch of 16 would need gigabytes).
# A leaf adds the networks and the 'encoder' and 'decoder' recorders of
# both networks (configs/distill/rkd_dnanet_num16_num4_nudt.py).
_base_ = './single_teacher.py'
rkd_distance_weight = 25.0
rkd_angle_weight = 50.0
rkd_pool_size = 4
rkd_losses = dict(
    distance=dict(type='DistanceWiseRKD', loss_weight=rkd_distance_weight),
    angle=dict(type='AngleWiseRKD', loss_weight=rkd_angle_weight))
model = dict(
    distiller=dict(
        # Parameter-free, so one pooling connector serves both networks.
        connectors=dict(
            pool=dict(
                type='TorchFunctionalConnector',
                function_name='adaptive_avg_pool2d',
                func_args=dict(output_size=rkd_pool_size))),
        distill_losses={
            f'loss_rkd_{kind}_{layer}': loss
            for kind, loss in rkd_losses.items()
            for layer in ('encoder', 'decoder')
        },
        loss_forward_mappings={
            f'loss_rkd_{kind}_{layer}': dict(
                preds_S=dict(
                    from_student=True, recorder=layer, connector='pool'),
                preds_T=dict(
                    from_student=False, recorder=layer, connector='pool'))
            for kind in rkd_losses for layer in ('encoder', 'decoder')
        }))
