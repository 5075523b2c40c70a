# DMF-num16 + DSA (DSAD Table 5): DSA re-weights every TCFM output
# spatially (see DMFNet's docstring): +36 parameters, +4.27 MMACs
# (+0.011 %) at 256x256.
_base_ = './dmfnet_num16_nudt.py'
model = dict(
    backbone=dict(spatial_attention=dict(type='DSA', learnable=True)))
