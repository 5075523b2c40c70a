# PKD (configs/_base_/distill/pkd.py) from DNANet num16 into num4
# on NUDT-SIRST (configs/_base_/distill/dnanet_nudt.py), on DSAD's
# layers.
_base_ = ['../_base_/distill/dnanet_nudt.py', '../_base_/distill/pkd.py']
model = dict(_base_.networks, distiller=_base_.layer_sets.dnanet.aligned)
