# CrossKD (configs/_base_/distill/crosskd.py) from AMFU-Net num16 into num4
# on NUAA-SIRST (configs/_base_/distill/amfunet_sirst.py), through the
# teacher's head.
_base_ = ['../_base_/distill/amfunet_sirst.py', '../_base_/distill/crosskd.py']
model = dict(_base_.networks, **_base_.layer_sets.amfunet.crosskd)
