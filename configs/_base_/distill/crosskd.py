# CrossKD (Wang et al. 2024): the student's head feature goes through the
# frozen teacher's remaining head layers (CrossKDDistill, which aligns it
# to the teacher's per-channel statistics and runs the teacher's head a
# second time with it) and those logits are distilled towards the
# teacher's with quality-focal KD (QualityFocalKDLoss; beta 1, weight 1:
# CrossKD's GFL setting). A 1x1 conv maps the student's width to the
# teacher's where they differ.
# The loss compares the teacher head's two runs (the teacher's recorder
# 'logits', records 0 and 1) at the prediction (data_idx -1; AMFU-Net's
# configs pick its d1, the output the handed-over feature alone decides).
# A leaf adds the networks and the recorders: 'cross_input' (the input of
# the hand-over module) on both sides and the teacher's 'logits' (its
# decode head's forward), configs/distill/crosskd_dnanet_num16_num4_nudt.py.
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
                type='QualityFocalKDLoss', beta=1.0, loss_weight=1.0)),
        loss_forward_mappings=dict(
            loss_crosskd=dict(
                preds_S=dict(
                    from_student=False,
                    recorder='logits',
                    record_idx=1,
                    data_idx=-1),
                preds_T=dict(
                    from_student=False,
                    recorder='logits',
                    record_idx=0,
                    data_idx=-1)))))
