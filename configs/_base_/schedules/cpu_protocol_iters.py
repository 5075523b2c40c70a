# The CPU study protocol's schedule (docs/results.md): the demo's (Adagrad
# lr 0.05, 50-iteration warm-up, cosine) at 400 iterations. Validation
# would test the 664 NUDT-SIRST test images (and, for a distiller, the
# teacher as well) during training: the study tool tests once at the end.
_base_ = './demo_iters.py'
max_iters = 400
param_scheduler = [
    _base_.param_scheduler[0],
    dict(
        type='CosineAnnealingLR',
        T_max=max_iters - _base_.warmup_iters,
        eta_min=1e-5,
        by_epoch=False,
        begin=_base_.warmup_iters,
        end=max_iters)
]
train_cfg = dict(
    max_iters=max_iters, val_interval=max_iters, val_begin=max_iters + 1)
default_hooks = dict(checkpoint=dict(interval=max_iters, save_best=None))
