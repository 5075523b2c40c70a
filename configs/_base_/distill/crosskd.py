# CrossKD (Wang et al. 2024): the student's head feature goes through the
# frozen teacher's remaining head layers (CrossKDDistill, which aligns it
# to the teacher's per-channel statistics) and those logits are distilled
# towards the teacher's with quality-focal KD (QualityFocalKDLoss; beta 1,
# weight 1: CrossKD's GFL setting). A 1x1 conv maps the student's width to
# the teacher's where they differ.
# A leaf adds the networks and the network's hand-over point:
# model = dict(_base_.networks, **_base_.layer_sets.<net>.crosskd).
_base_ = './single_teacher.py'
model = dict(
    type='CrossKDDistill',
    cross_loss=dict(type='QualityFocalKDLoss', beta=1.0, loss_weight=1.0),
    student_align=dict(
        type='ConvModuleConnector',
        kernel_size=1,
        norm_cfg=None,
        act_cfg=None))
