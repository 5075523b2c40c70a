# `make demo`: DNANet num4 trained briefly on the synthetic SIRST-like data
# that tools/misc/make_synthetic_sirst.py writes (128x128 images), so the
# whole job runs offline in minutes on 2 CPU cores. Same network, loss,
# optimiser and augmentation as the real configs; iteration-based and short.
_base_ = '../dnanet/dnanet_num4_nudt.py'
data_root = 'work_dirs/demo/data'
crop_size = (128, 128)
max_iters = 300
train_pipeline = [
    dict(type='LoadIRImageFromFile'),
    dict(type='LoadBinaryAnnotations'),
    dict(
        type='RandomResize',
        scale=crop_size,
        ratio_range=(0.75, 1.5),
        keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='Pad', size=crop_size, pad_val=dict(img=0, seg=0)),
    dict(type='RandomFlip', prob=0.5),
    dict(type='RandomGaussianBlur', prob=0.5, sigma_range=(0.0, 1.0)),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    batch_size=8,
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        T_max=max_iters,
        eta_min=1e-5,
        by_epoch=False,
        begin=0,
        end=max_iters)
]
train_cfg = dict(
    _delete_=True,
    type='IterBasedTrainLoop',
    max_iters=max_iters,
    val_interval=max_iters)
default_hooks = dict(
    logger=dict(interval=25, log_metric_by_epoch=False),
    checkpoint=dict(by_epoch=False, interval=max_iters, max_keep_ckpts=1))
log_processor = dict(by_epoch=False)
