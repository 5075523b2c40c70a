# DMF-num16 + DSA (DSAD Table 5): DSA re-weights every TCFM output
# spatially (configs/_base_/models/dmfnet.py): +36 parameters, +4.27 MMACs
# (+0.011 %) at 256x256.
_base_ = './dmfnet_num16_nudt.py'
model = _base_.with_dsa
