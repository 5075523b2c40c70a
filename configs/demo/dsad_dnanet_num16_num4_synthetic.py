# `make demo`: DSAD from the demo's DNANet num16 teacher into num4, on the
# synthetic set with the short schedule. tools/misc/run_demo.py passes the
# teacher checkpoint it converted to weights-only.
_base_ = [
    '../_base_/distill/dsad_dnanet.py',
    '../_base_/datasets/synthetic_sirst.py',
    '../_base_/schedules/demo_iters.py', '../_base_/default_runtime.py'
]
model = dict(teacher_ckpt='work_dirs/demo/teacher/teacher_weights.pth')
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
