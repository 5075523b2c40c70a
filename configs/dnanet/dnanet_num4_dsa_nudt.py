# "+DSA" (DSAD Table 5): DSA with a learnable 3x3 base kernel replaces the
# CBAM spatial attention of every residual block, backbone and head.
_base_ = './dnanet_num4_nudt.py'
dsa = dict(type='DSA', learnable=True)
model = dict(
    backbone=dict(spatial_attention=dsa),
    decode_head=dict(spatial_attention=dsa))
