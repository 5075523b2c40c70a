# DSAD with AMFU-Net: a frozen num16 teacher distils into the num4 student
# (the distiller is configs/_base_/distill/dsad.py). Distilled layers:
# - encoder: backbone.conv5 (deepest encoder stage, 1/16 size);
# - decoder: decode_head.fuse1d (full-resolution decoder stage hd1).
# The paper does not list its layers; docs/results.md records the
# measurement behind this default.
_base_ = ['../models/amfunet_num4.py', './dsad.py']
num16 = (16, 32, 64, 128, 256)
# Train the teacher with configs/amfunet/amfunet_num16_<data>.py, convert its
# checkpoint with tools/model_converters/to_weights_only.py, and point here
# (or pass --cfg-options model.teacher_ckpt=...).
teacher_ckpt = 'checkpoints/amfunet_num16_nudt.pth'

student = _base_.model
recorders = dict(
    encoder=dict(type='ModuleOutputs', source='backbone.conv5'),
    decoder=dict(type='ModuleOutputs', source='decode_head.fuse1d'))
distiller = _base_.dsad_distiller
model = dict(
    _base_.dsad_algorithm,
    _delete_=True,
    # Student and teacher see the same normalised batch.
    data_preprocessor=dict(student.data_preprocessor, _scope_='mmseg'),
    architecture=dict(
        student,
        _scope_='mmseg',
        decode_head=dict(
            student.decode_head,
            loss_decode=dict(type='SoftIoULoss', loss_weight=_base_.alpha))),
    teacher=dict(
        student,
        _scope_='mmseg',
        backbone=dict(student.backbone, channels=num16),
        decode_head=dict(student.decode_head, channels_per_level=num16)),
    teacher_ckpt=teacher_ckpt,
    distiller=dict(
        distiller,
        student_recorders=recorders,
        teacher_recorders=recorders,
        connectors=dict(
            distiller.connectors,
            encoder_align=dict(
                _base_.student_align, in_channel=64, out_channel=256),
            decoder_align=dict(
                _base_.student_align, in_channel=20,
                out_channel=80))))
