# Shared by every SIRST-layout dataset (images/, masks/, 50_50/ splits);
# a dataset file sets only its data_root. The training augmentation is
# DNANet's (docs/networks.md §2a): flip, long side rescaled to [0.5, 2] x 256,
# crop, zero-pad to 256, Gaussian blur with p = 0.5. Testing runs at each
# image's original size (the data preprocessor pads to the network stride),
# so metrics are at the original size.
dataset_type = 'SIRSTDataset'
crop_size = (256, 256)
train_pipeline = [
    dict(type='LoadIRImageFromFile'),
    dict(type='LoadBinaryAnnotations'),
    dict(
        type='RandomResize',
        scale=crop_size,
        ratio_range=(0.5, 2.0),
        keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='Pad', size=crop_size, pad_val=dict(img=0, seg=0)),
    dict(type='RandomFlip', prob=0.5),
    dict(type='RandomGaussianBlur', prob=0.5, sigma_range=(0.0, 1.0)),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadIRImageFromFile'),
    dict(type='LoadBinaryAnnotations'),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file='50_50/train.txt',
        pipeline=train_pipeline))
# Batch 1, although any batch size gives the same metrics: images are
# tested unresized, and a batch of mixed sizes predicts each image as if
# alone (IRSTDDataPreProcessor + IRSTDEncoderDecoder).
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file='50_50/test.txt',
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='IRSTDMetric')
test_evaluator = val_evaluator
