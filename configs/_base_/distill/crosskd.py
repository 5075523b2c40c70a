# CrossKD (Wang et al. 2024): the student's head feature goes through the
# frozen teacher's remaining head layers (CrossKDDistill, which aligns it
# to the teacher's per-channel statistics and runs the teacher's head a
# second time with it) and those logits are distilled towards the
# teacher's with quality-focal KD (QualityFocalKDLoss; beta 1, weight 1:
# CrossKD's GFL setting). A 1x1 conv maps the student's width to the
# teacher's where they differ.
# A leaf adds the networks, the recorders of the network's hand-over point
# and the mapping of the head's two runs onto the loss:
# model = dict(_base_.networks, **_base_.layer_sets.<net>.crosskd).
_base_ = './single_teacher.py'
model = dict(
    type='CrossKDDistill',
    student_align=dict(
        type='ConvModuleConnector',
        kernel_size=1,
        norm_cfg=None,
        act_cfg=None),
    distiller=dict(
        distill_losses=dict(
            loss_crosskd=dict(
                type='QualityFocalKDLoss', beta=1.0, loss_weight=1.0))))
