# Tests and smoke runs: FDEP around DNANet num4 on the synthetic demo set,
# with a tiny randomly initialised DINOv2 written by
#   python tools/misc/make_tiny_dinov2.py work_dirs/tiny_dinov2
# The loading and fusion code paths are the real ones; the VFM's features
# are meaningless.
_base_ = [
    '../demo/dnanet_num4_synthetic.py', '../_base_/fdep/dinov2_small.py'
]
model = dict(
    _base_.coisd,
    _delete_=True,
    architecture=_base_.model,
    vfm=dict(_base_.vfm, snapshot_dir='work_dirs/tiny_dinov2'),
    samf=dict(type='SAMF', channels=64),
    fusion_point='backbone.conv4_0')
test_evaluator = dict(hse=True)
