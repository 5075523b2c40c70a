# KD-SVD (configs/_base_/distill/kdsvd.py) from AMFU-Net num16 into num4
# on NUDT-SIRST (configs/_base_/distill/amfunet_nudt.py), on DSAD's
# layers.
_base_ = ['../_base_/distill/amfunet_nudt.py', '../_base_/distill/kdsvd.py']
model = dict(_base_.networks, distiller=_base_.layer_sets.amfunet.aligned)
