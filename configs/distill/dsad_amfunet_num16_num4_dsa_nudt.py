# DSAD Table 6: DSAD into the "+DSA" AMFU-Net num4 student
# (configs/amfunet/amfunet_num4_dsa_nudt.py, DSA inside the network) from the
# plain num16 teacher of dsad_amfunet_num16_num4_nudt.py.
_base_ = './dsad_amfunet_num16_num4_nudt.py'
model = dict(
    architecture=dict(
        cfg_path='mmdsad::amfunet/amfunet_num4_dsa_nudt.py',
        pretrained=False))
