# single_teacher.py plus DSAD's 1x1 conv + BN connector from each student
# layer ('encoder', 'decoder') to the teacher's width, for the methods that
# compare the two networks channel by channel (pkd.py, kdsvd.py). The
# widths come from the network: _base_.layer_sets.<net>.aligned of
# configs/_base_/distill/layer_sets.py.
_base_ = './single_teacher.py'
model = dict(
    distiller=dict(
        connectors={
            f'{layer}_align': dict(
                type='ConvModuleConnector',
                kernel_size=1,
                norm_cfg=dict(type='BN'),
                act_cfg=None)
            for layer in ('encoder', 'decoder')
        }))
