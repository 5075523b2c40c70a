# `make demo`: DSAD (configs/_base_/distill/dsad.py) from the demo's DNANet
# num16 teacher into num4, on the synthetic set with the short schedule.
# tools/misc/run_demo.py passes the teacher checkpoint it converted to
# weights-only.
_base_ = [
    '../_base_/distill/dsad.py',
    '../_base_/datasets/synthetic_sirst.py',
    '../_base_/schedules/demo_iters.py', '../_base_/default_runtime.py'
]
# DSAD's layers (configs/_base_/distill/distill_points.py); connector
# widths are read from the built networks.
recorders = dict(
    encoder=dict(type='ModuleOutputs', source='backbone.conv4_0'),
    decoder=dict(type='ModuleOutputs', source='backbone.conv0_4'))
model = dict(
    architecture=dict(
        cfg_path='mmdsad::demo/dnanet_num4_synthetic.py', pretrained=False),
    teacher=dict(
        cfg_path='mmdsad::demo/dnanet_num16_synthetic.py', pretrained=False),
    teacher_ckpt='work_dirs/demo/teacher/teacher_weights.pth',
    distiller=dict(student_recorders=recorders, teacher_recorders=recorders))
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
