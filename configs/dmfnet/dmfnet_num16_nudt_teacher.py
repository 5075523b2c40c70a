# The trained dmfnet_num16_nudt.py as a frozen distillation teacher (the
# comparison methods' cfg_path, configs/_base_/distill/dmfnet_nudt.py):
# the same weights, without the backbone's training-mode blur. A frozen
# teacher stays in training mode apart from its BN layers, and would
# otherwise distil from a blurred view; DSAD's teacher has train_blur=None
# for the same reason (configs/_base_/distill/dsad_dmfnet.py).
_base_ = './dmfnet_num16_nudt.py'
model = dict(backbone=dict(train_blur=None))
