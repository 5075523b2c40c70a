# KD (Hinton et al. 2015) on the output logits, in the Bernoulli form for
# one-channel logits (BinaryKDLoss; MMRazor's KLDivergence softmaxes over
# the channel axis, identically 0 for one channel). Temperature 4 and
# weight 0.9: the KD setting of RepDistiller / mdistiller.
# A leaf adds the networks and the 'logits' recorder of both (the outputs
# of the network's head, a list whose last is the prediction;
# configs/distill/kd_dnanet_num16_num4_nudt.py).
_base_ = './single_teacher.py'
kd_tau = 4.0
kd_weight = 0.9
model = dict(
    distiller=dict(
        distill_losses=dict(
            loss_kd=dict(
                type='BinaryKDLoss', tau=kd_tau, loss_weight=kd_weight)),
        loss_forward_mappings=dict(
            loss_kd=dict(
                preds_S=dict(
                    from_student=True, recorder='logits', data_idx=-1),
                preds_T=dict(
                    from_student=False, recorder='logits', data_idx=-1)))))
