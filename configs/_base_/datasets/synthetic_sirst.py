# The synthetic SIRST-like set that tools/misc/make_synthetic_sirst.py
# writes (`make demo` makes it at work_dirs/demo/data, 128x128 frames).
# Same layout, loading and augmentation as the real datasets, on 96x96
# crops in batches of 4 so the demo trains on 2 CPU cores in minutes; the
# deepest encoder stage (1/16) is then 6x6 in training and 8x8 in testing.
_base_ = './sirst_common.py'
data_root = 'work_dirs/demo/data'
crop_size = (96, 96)
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
# The demo's schedule counts iterations: an infinite sampler avoids
# mmengine's pause at every epoch boundary of a small set.
train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
