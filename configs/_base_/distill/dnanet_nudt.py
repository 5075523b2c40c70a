# DNANet num16 -> num4 on NUDT-SIRST for the comparison methods
# (configs/distill/<method>_dnanet_num16_num4_nudt.py): both networks
# built from their own configs (MMRazor's cfg_path), the teacher
# checkpoint, DSAD's recipe (Adagrad 0.05, cosine, batch 16) and data, and
# DNANet's layer set. Variables only, no `model`: the method base holds
# the algorithm, and the leaf merges `networks` (and a distiller of
# dnanet_layers.py) into it.
_base_ = [
    './dnanet_layers.py', '../datasets/nudt_sirst.py',
    '../schedules/adagrad_cosine_1500e.py', '../default_runtime.py'
]
# Train the teacher with configs/dnanet/dnanet_num16_nudt.py, convert its
# checkpoint with tools/model_converters/to_weights_only.py, and point here
# (or pass --cfg-options model.teacher_ckpt=...).
networks = dict(
    architecture=dict(
        cfg_path='mmdsad::dnanet/dnanet_num4_nudt.py', pretrained=False),
    teacher=dict(
        cfg_path='mmdsad::dnanet/dnanet_num16_nudt.py', pretrained=False),
    teacher_ckpt='checkpoints/dnanet_num16_nudt.pth')
# Validation reports the student (plain keys, so save_best='IoU' keeps the
# best student), then the teacher ('teacher.' keys).
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
