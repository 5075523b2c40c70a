# CPU study protocol: DSAD from the protocol's num16 teacher into num4 on
# NUDT-SIRST (docs/results.md); pass the teacher with
# --cfg-options model.teacher_ckpt=... (weights-only file).
_base_ = [
    '../_base_/distill/dsad_dnanet.py',
    '../_base_/datasets/nudt_sirst_cpu.py',
    '../_base_/schedules/cpu_protocol_iters.py', '../_base_/default_runtime.py'
]
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
