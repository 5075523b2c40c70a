# CrossKD (configs/_base_/distill/crosskd.py) from DMFNet num16 into num4
# on NUDT-SIRST (configs/_base_/distill/dmfnet_nudt.py), through the teacher's
# head.
_base_ = ['../_base_/distill/dmfnet_nudt.py', '../_base_/distill/crosskd.py']
model = dict(_base_.networks, **_base_.layer_sets.dmfnet.crosskd)
