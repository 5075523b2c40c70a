# The training recipe of every comparison method, DSAD's (docs/paper-spec.md
# §1.6): Adagrad lr 0.05, cosine annealing, batch 16 (the dataset base).
# Validation reports the student (plain keys, so save_best='IoU' keeps the
# best student), then the teacher ('teacher.' keys).
_base_ = ['../schedules/adagrad_cosine_1500e.py', '../default_runtime.py']
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
