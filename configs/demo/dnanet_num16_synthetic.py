# `make demo`: the DNANet num16 teacher on the synthetic set, with the
# students' schedule.
_base_ = [
    '../_base_/models/dnanet.py', '../_base_/datasets/synthetic_sirst.py',
    '../_base_/schedules/demo_iters.py', '../_base_/default_runtime.py'
]
teacher_iters = 400
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        T_max=teacher_iters,
        eta_min=1e-5,
        by_epoch=False,
        begin=0,
        end=teacher_iters)
]
train_cfg = dict(max_iters=teacher_iters, val_interval=teacher_iters)
default_hooks = dict(checkpoint=dict(interval=teacher_iters))
