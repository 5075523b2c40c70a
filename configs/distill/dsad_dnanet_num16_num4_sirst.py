# DSAD's recipe (paper-spec.md §1.6): Adagrad lr 0.05, cosine, batch 16.
_base_ = [
    '../_base_/distill/dsad_dnanet.py', '../_base_/datasets/nuaa_sirst.py',
    '../_base_/schedules/adagrad_cosine_1500e.py',
    '../_base_/default_runtime.py'
]
model = dict(teacher_ckpt='checkpoints/dnanet_num16_sirst.pth')
# Validation reports the student (plain keys, so save_best='IoU' keeps the
# best student), then the teacher ('teacher.' keys).
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
