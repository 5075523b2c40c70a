# cckd_dnanet_num16_num4_nudt.py with its distillation weight chosen by compare_distill.py --tune
# (400 iterations, 50 of learning-rate warm-up, data of configs/_base_/datasets/nudt_sirst_cpu.py; validation: 0.2 of the training ids, split seed 0, training seed 0).
_base_ = '/work/main/configs/distill/cckd_dnanet_num16_num4_nudt.py'
model = dict(distill_loss_weight=1.0)
