# The trained dmfnet_num16_sirst.py as a frozen distillation teacher (the
# cfg_path of configs/_base_/distill/dmfnet_sirst.py, for DSAD and every
# comparison method): the same weights, without the backbone's training
# blur, so the teacher is taught from the clean image as at test time.
# (CheckedTeacherDistill also keeps a frozen teacher in eval mode, where
# the blur is off; this holds whoever builds the teacher.)
_base_ = './dmfnet_num16_sirst.py'
model = dict(backbone=dict(train_blur=None))
