# `make demo`: the DNANet num16 teacher on the synthetic set. It trains
# longer than the students (500 against 300 iterations), as a teacher is
# trained to convergence before it teaches; warm-up and cosine as theirs.
_base_ = [
    '../_base_/models/dnanet.py', '../_base_/datasets/synthetic_sirst.py',
    '../_base_/schedules/demo_iters.py', '../_base_/default_runtime.py'
]
teacher_iters = 500
param_scheduler = [
    _base_.param_scheduler[0],
    dict(
        type='CosineAnnealingLR',
        T_max=teacher_iters - _base_.warmup_iters,
        eta_min=1e-5,
        by_epoch=False,
        begin=_base_.warmup_iters,
        end=teacher_iters)
]
train_cfg = dict(max_iters=teacher_iters, val_interval=teacher_iters)
default_hooks = dict(checkpoint=dict(interval=teacher_iters))
