# CPU study protocol: DSAD (configs/_base_/distill/dsad.py) from the
# protocol's num16 teacher into num4 on NUDT-SIRST (docs/results.md); pass
# the teacher with --cfg-options model.teacher_ckpt=... (weights-only file).
_base_ = [
    '../_base_/distill/layer_sets.py', '../_base_/distill/dsad.py',
    '../_base_/datasets/nudt_sirst_cpu.py',
    '../_base_/schedules/cpu_protocol_iters.py', '../_base_/default_runtime.py'
]
model = dict(
    architecture=dict(
        cfg_path='mmdsad::cpu_protocol/dnanet_num4_nudt_cpu.py',
        pretrained=False),
    teacher=dict(
        cfg_path='mmdsad::cpu_protocol/dnanet_num16_nudt_cpu.py',
        pretrained=False),
    teacher_ckpt='checkpoints/dnanet_num16_nudt.pth',
    distiller=_base_.layer_sets.dnanet.aligned)
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
