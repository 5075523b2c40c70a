# CPU study protocol: the DNANet num16 teacher on NUDT-SIRST, trained twice
# as long as the students (docs/results.md).
_base_ = [
    '../_base_/models/dnanet.py', '../_base_/datasets/nudt_sirst_cpu.py',
    '../_base_/schedules/cpu_protocol_iters.py', '../_base_/default_runtime.py'
]
teacher_iters = 800
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
train_cfg = dict(
    max_iters=teacher_iters,
    val_interval=teacher_iters,
    val_begin=teacher_iters + 1)
default_hooks = dict(checkpoint=dict(interval=teacher_iters))
