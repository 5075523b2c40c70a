# What every comparison method's distillation shares (the method bases
# kd.py, nst.py, ... inherit it): MMRazor's single-teacher distillation
# with mmdsad's teacher-checkpoint and recorder checks, the teacher frozen
# with its BN statistics in eval mode, as in DSAD (dsad.py).
model = dict(
    _scope_='mmrazor',
    type='CheckedTeacherDistill',
    teacher_trainable=False,
    teacher_norm_eval=True,
    distiller=dict(type='ConfigurableDistiller'))
