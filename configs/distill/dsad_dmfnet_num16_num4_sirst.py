# DSAD (configs/_base_/distill/dsad.py) from DMFNet num16 into num4
# on NUAA-SIRST (configs/_base_/distill/dmfnet_sirst.py), on DSAD's layers.
_base_ = ['../_base_/distill/dmfnet_sirst.py', '../_base_/distill/dsad.py']
model = dict(_base_.networks, distiller=_base_.layer_sets.dmfnet.aligned)
