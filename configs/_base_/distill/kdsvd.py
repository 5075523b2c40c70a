# KD-SVD (Lee et al. 2018): the relation between the top singular vectors
# of consecutive layers (KDSVDLoss), here the one pair of DSAD's set,
# 'encoder' (layer l - 1) then 'decoder' (layer l). Singular vectors over
# channels are compared between the networks, so each student map goes
# through the 1x1 connector of single_teacher_aligned.py. k = 1 vector,
# weight 1: mdistiller's KDSVD setting.
# A leaf adds the networks and the 'encoder' and 'decoder' recorders of
# both networks (configs/distill/kdsvd_dnanet_num16_num4_nudt.py).
_base_ = './single_teacher_aligned.py'
kdsvd_vectors = 1
kdsvd_weight = 1.0
model = dict(
    distiller=dict(
        distill_losses=dict(
            loss_kdsvd=dict(
                type='KDSVDLoss',
                num_vectors=kdsvd_vectors,
                loss_weight=kdsvd_weight)),
        loss_forward_mappings=dict(
            loss_kdsvd=dict(
                preds_S_prev=dict(
                    from_student=True,
                    recorder='encoder',
                    connector='encoder_align'),
                preds_S=dict(
                    from_student=True,
                    recorder='decoder',
                    connector='decoder_align'),
                preds_T_prev=dict(from_student=False, recorder='encoder'),
                preds_T=dict(from_student=False, recorder='decoder')))))
