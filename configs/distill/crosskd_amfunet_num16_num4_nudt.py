# CrossKD (configs/_base_/distill/crosskd.py) from AMFU-Net num16 into num4
# on NUDT-SIRST (configs/_base_/distill/amfunet_nudt.py), through the teacher's
# head.
_base_ = ['../_base_/distill/amfunet_nudt.py', '../_base_/distill/crosskd.py']
model = dict(_base_.networks, **_base_.layer_sets.amfunet.crosskd)
