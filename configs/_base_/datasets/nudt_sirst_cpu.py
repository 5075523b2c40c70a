# NUDT-SIRST at the CPU study protocol (docs/results.md): 128x128 crops at
# native scale +-25 %, batches of 4, every crop holding a target (mmseg's
# RandomCrop re-draws up to 10 times while a crop is all background: a
# crop with a single target pixel passes), so a few thousand samples teach
# what the paper's 1500 epochs of 256x256 crops do at length. Testing is
# the paper's: the 664 test images at their original 256x256.
_base_ = './nudt_sirst.py'
crop_size = (128, 128)
train_pipeline = [
    dict(type='LoadIRImageFromFile'),
    dict(type='LoadBinaryAnnotations'),
    dict(
        type='RandomResize',
        scale=(256, 256),
        ratio_range=(0.75, 1.25),
        keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.99999),
    dict(type='Pad', size=crop_size, pad_val=dict(img=0, seg=0)),
    dict(type='RandomFlip', prob=0.5),
    dict(type='RandomGaussianBlur', prob=0.5, sigma_range=(0.0, 1.0)),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(num_workers=0, persistent_workers=False)
test_dataloader = val_dataloader
