# MGD (configs/_base_/distill/mgd.py) from DMFNet num16 into num4
# on NUDT-SIRST (configs/_base_/distill/dmfnet_nudt.py), on DSAD's
# layers.
_base_ = ['../_base_/distill/dmfnet_nudt.py', '../_base_/distill/mgd.py']
model = dict(_base_.networks, distiller=_base_.layer_sets.dmfnet.mgd)
