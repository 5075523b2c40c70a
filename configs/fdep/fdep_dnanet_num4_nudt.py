# FDEP (CO-ISD + SAMF + frozen DINOv2) around
# configs/dnanet/dnanet_num4_nudt.py.
# SAMF at backbone.conv4_0, the deepest encoder stage (64 channels).
# Deploy the plain network: tools/model_converters/to_weights_only.py
# CKPT OUT --strip-prefix architecture., then test OUT with that config.
_base_ = [
    '../dnanet/dnanet_num4_nudt.py', '../_base_/fdep/dinov2_small.py'
]
model = dict(
    _base_.coisd,
    _delete_=True,
    architecture=_base_.model,
    samf=dict(type='SAMF', channels=64),
    fusion_point='backbone.conv4_0')
test_evaluator = dict(hse=True)
