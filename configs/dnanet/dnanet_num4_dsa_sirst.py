# "+DSA" (DSAD Table 5): DSA replaces CBAM's spatial attention in every
# residual block (configs/_base_/models/dnanet.py).
_base_ = './dnanet_num4_sirst.py'
model = _base_.with_dsa
