# CPU study protocol: DSAD (configs/_base_/distill/dsad.py) from the
# protocol's num16 teacher into num4 on NUDT-SIRST (docs/results.md); pass
# the teacher with --cfg-options model.teacher_ckpt=... (weights-only file).
_base_ = [
    '../_base_/distill/dsad.py',
    '../_base_/datasets/nudt_sirst_cpu.py',
    '../_base_/schedules/cpu_protocol_iters.py', '../_base_/default_runtime.py'
]
# DSAD's layers (configs/_base_/distill/distill_points.py); connector
# widths are read from the built networks.
recorders = dict(
    encoder=dict(type='ModuleOutputs', source='backbone.conv4_0'),
    decoder=dict(type='ModuleOutputs', source='backbone.conv0_4'))
model = dict(
    architecture=dict(
        cfg_path='mmdsad::cpu_protocol/dnanet_num4_nudt_cpu.py',
        pretrained=False),
    teacher=dict(
        cfg_path='mmdsad::cpu_protocol/dnanet_num16_nudt_cpu.py',
        pretrained=False),
    teacher_ckpt='checkpoints/dnanet_num16_nudt.pth',
    distiller=dict(student_recorders=recorders, teacher_recorders=recorders))
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
