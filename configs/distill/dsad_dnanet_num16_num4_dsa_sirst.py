# DSAD Table 6: DSAD into the "+DSA" DNANet num4 student
# (configs/dnanet/dnanet_num4_dsa_sirst.py, DSA inside the network) from the
# plain num16 teacher of dsad_dnanet_num16_num4_sirst.py.
_base_ = './dsad_dnanet_num16_num4_sirst.py'
model = dict(
    architecture=dict(
        cfg_path='mmdsad::dnanet/dnanet_num4_dsa_sirst.py',
        pretrained=False))
