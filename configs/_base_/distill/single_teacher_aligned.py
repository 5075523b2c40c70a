# single_teacher.py plus DSAD's 1x1 conv + BN connector from each student
# layer ('encoder', 'decoder') to the teacher's width, for the methods that
# compare the two networks channel by channel (pkd.py, kdsvd.py, dsad.py).
# No widths: CheckedTeacherDistill reads them from the built networks (the
# student's and the teacher's recorder of the same name).
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
