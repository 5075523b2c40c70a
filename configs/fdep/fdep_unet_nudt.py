# FDEP (CO-ISD + SAMF + frozen DINOv2) around
# configs/unet/unet_nudt.py.
# SAMF at backbone.encoder.4, the deepest encoder stage (128 channels).
# Deploy the plain network: tools/model_converters/to_weights_only.py
# CKPT OUT --strip-prefix architecture., then test OUT with that config.
_base_ = [
    '../unet/unet_nudt.py', '../_base_/fdep/dinov2_small.py'
]
model = dict(
    _base_.coisd,
    _delete_=True,
    architecture=_base_.model,
    samf=dict(type='SAMF', channels=128),
    fusion_point='backbone.encoder.4')
test_evaluator = dict(hse=True)
