# FDEP (CO-ISD + SAMF + frozen DINOv2) around
# configs/dmfnet/dmfnet_num4_nudt.py.
# SAMF at backbone.layer_4_0, the deepest encoder stage (64 channels).
# Deploy the plain network: tools/model_converters/to_weights_only.py
# CKPT OUT --strip-prefix architecture., then test OUT with that config.
_base_ = [
    '../dmfnet/dmfnet_num4_nudt.py', '../_base_/fdep/dinov2_small.py'
]
model = dict(
    _base_.coisd,
    _delete_=True,
    architecture=_base_.model,
    samf=dict(type='SAMF', channels=64),
    fusion_point='backbone.layer_4_0')
test_evaluator = dict(hse=True)
