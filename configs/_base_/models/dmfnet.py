# DMFNet at the teacher width num16 (11.11 M params, 40.21 GMACs at
# 256x256). Images are 3-channel RGB from LoadIRImageFromFile (gray
# replicated), so no BGR->RGB swap; ImageNet statistics as in the reference
# code. The preprocessor pads to stride 16 (the network needs 8).
#
# One image in: in training the backbone itself blurs the first encoder's
# input (per-sample sigma ~ U(0, 1), the reference's PIL radius) and feeds
# the clean image to the second; in testing both see the same image.
# train_blur=None turns the blur off. Parameter count includes TCFM's
# post_2, built but unused by the reference and counted by the paper.
num16 = (16, 32, 64, 128, 256)
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=False,
    pad_val=0,
    seg_pad_val=0,
    size_divisor=16,
    test_cfg=dict(size_divisor=16))
model = dict(
    type='EncoderDecoder',
    data_preprocessor=data_preprocessor,
    backbone=dict(
        type='DMFNet',
        channels=num16,
        num_blocks=(2, 2, 2, 2),
        train_blur=dict(sigma_range=(0.0, 1.0))),
    decode_head=dict(
        type='DMFNetHead',
        channels_per_level=num16,
        # The reference projects every scale to 3 channels, not c0.
        projection_channels=3,
        loss_decode=dict(type='SoftIoULoss')),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
