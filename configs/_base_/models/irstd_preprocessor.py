# The data preprocessing shared by the IRSTD networks: 3-channel RGB images
# from LoadIRImageFromFile (gray replicated), so no BGR->RGB swap; ImageNet
# statistics as in the reference code; padded to the networks' stride 16
# in training and testing (predictions are cropped back and resized to each
# image's original size). A test batch may mix image sizes; the segmentor
# (IRSTDEncoderDecoder) then predicts each image at its own padded size.
data_preprocessor = dict(
    type='IRSTDDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=False,
    pad_val=0,
    seg_pad_val=0,
    size_divisor=16,
    test_cfg=dict(size_divisor=16))
