# KD (configs/_base_/distill/kd.py) from DMFNet num16 into num4
# on NUAA-SIRST (configs/_base_/distill/dmfnet_sirst.py), on the output
# logits.
_base_ = ['../_base_/distill/dmfnet_sirst.py', '../_base_/distill/kd.py']
model = dict(_base_.networks, distiller=_base_.layer_sets.dmfnet.logit)
