# "+DSA" (DSAD Table 5): DSA replaces CBAM's spatial attention in every
# residual block (configs/_base_/models/amfunet.py).
_base_ = './amfunet_num4_nudt.py'
model = _base_.with_dsa
