# AMFU-Net's recipe (docs/networks.md §2b): Adagrad lr 0.05 held constant (no
# scheduler), 1500 epochs, batch 16 (set by the dataset configs). The
# cosine recipe of DNANet and DSAD (adagrad_cosine_1500e.py) inherits this
# file and adds its scheduler.
max_epochs = 1500
val_interval = 50
optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(type='Adagrad', lr=0.05))
train_cfg = dict(
    type='EpochBasedTrainLoop',
    max_epochs=max_epochs,
    val_interval=val_interval)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=10, log_metric_by_epoch=True),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # mmengine's CheckpointHook, written atomically and pruned after the
    # save (mmdsad/engine/hooks/atomic_checkpoint_hook.py).
    checkpoint=dict(
        type='AtomicCheckpointHook',
        by_epoch=True,
        interval=val_interval,
        max_keep_ckpts=2,
        save_best='IoU',
        rule='greater'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))
log_processor = dict(by_epoch=True)
