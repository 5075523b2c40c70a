# DSAD Table 6: DSAD into the "+DSA" DMFNet num4 student
# (configs/dmfnet/dmfnet_num4_dsa_nudt.py, DSA inside the network) from the
# plain num16 teacher of dsad_dmfnet_num16_num4_nudt.py.
_base_ = './dsad_dmfnet_num16_num4_nudt.py'
model = dict(
    architecture=dict(
        cfg_path='mmdsad::dmfnet/dmfnet_num4_dsa_nudt.py',
        pretrained=False))
