# The demo's short schedule: the paper's optimiser (Adagrad lr 0.05, cosine
# annealing to 1e-5), counted in iterations, validated and saved once at
# the end. Not the paper's: a linear learning-rate warm-up over the first
# 50 iterations. Adagrad's first step moves every weight by the full lr
# whatever its gradient, and in a few hundred iterations that start decides
# the run: without the warm-up the seed-2 teacher ended 17 IoU points below
# seed 1's (docs/results.md).
max_iters = 300
warmup_iters = 50
optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(type='Adagrad', lr=0.05))
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-3,
        by_epoch=False,
        begin=0,
        end=warmup_iters),
    dict(
        type='CosineAnnealingLR',
        T_max=max_iters - warmup_iters,
        eta_min=1e-5,
        by_epoch=False,
        begin=warmup_iters,
        end=max_iters)
]
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=25, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # mmengine's CheckpointHook, written atomically and pruned after the
    # save (mmdsad/engine/hooks/atomic_checkpoint_hook.py).
    checkpoint=dict(
        type='AtomicCheckpointHook',
        by_epoch=False,
        interval=max_iters,
        max_keep_ckpts=1,
        save_best='IoU',
        rule='greater'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'),
    # Weights and batches channels-last: about a quarter off every CPU
    # training step (mmdsad/engine/hooks/channels_last_hook.py).
    channels_last=dict(type='ChannelsLastHook'))
log_processor = dict(by_epoch=False)
# Same seed every run, so the demo's figures are reproducible.
randomness = dict(seed=0)
