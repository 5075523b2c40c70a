# DSAD (paper-spec.md §1.2-1.6) with DNANet: a frozen num16 teacher distils
# into the num4 student through DSA-weighted PWMSE on two layers:
# - backbone.conv4_0: the deepest encoder stage (semantics, 1/16 size);
# - decode_head.conv0_4_final: the fused full-resolution decoder feature
#   (localisation), the last feature before the prediction.
# The paper does not list its layers; docs/results.md records the
# measurement behind this default. Total loss (Eq. 13): alpha * SoftIoU +
# beta * sum of PWMSE over layers, alpha : beta = 1 : 2.
_base_ = [
    '../models/dnanet_num4.py', '../schedules/adagrad_cosine_1500e.py',
    '../default_runtime.py'
]
num16 = (16, 32, 64, 128, 256)
alpha = 1.0
beta = 2.0
# Train the teacher with configs/dnanet/dnanet_num16_<data>.py, convert its
# checkpoint with tools/model_converters/to_weights_only.py, and point here
# (or pass --cfg-options model.teacher_ckpt=...).
teacher_ckpt = 'checkpoints/dnanet_num16_nudt.pth'

student = _base_.model
teacher = dict(
    student,
    backbone=dict(student.backbone, channels=num16),
    decode_head=dict(student.decode_head, channels_per_level=num16))
model = dict(
    _delete_=True,
    _scope_='mmrazor',
    type='SingleTeacherDistill',
    # Student and teacher see the same normalised batch.
    data_preprocessor=dict(student.data_preprocessor, _scope_='mmseg'),
    architecture=dict(
        student,
        _scope_='mmseg',
        decode_head=dict(
            student.decode_head,
            loss_decode=dict(type='SoftIoULoss', loss_weight=alpha))),
    teacher=dict(teacher, _scope_='mmseg'),
    teacher_ckpt=teacher_ckpt,
    teacher_trainable=False,
    teacher_norm_eval=True,
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            encoder=dict(type='ModuleOutputs', source='backbone.conv4_0'),
            decoder=dict(
                type='ModuleOutputs', source='decode_head.conv0_4_final')),
        teacher_recorders=dict(
            encoder=dict(type='ModuleOutputs', source='backbone.conv4_0'),
            decoder=dict(
                type='ModuleOutputs', source='decode_head.conv0_4_final')),
        connectors=dict(
            encoder_align=dict(
                type='ConvModuleConnector',
                in_channel=student.backbone.channels[4],
                out_channel=num16[4],
                kernel_size=1,
                norm_cfg=dict(type='BN'),
                act_cfg=None),
            decoder_align=dict(
                type='ConvModuleConnector',
                in_channel=student.backbone.channels[0],
                out_channel=num16[0],
                kernel_size=1,
                norm_cfg=dict(type='BN'),
                act_cfg=None),
            encoder_weight=dict(type='DSAWeightConnector'),
            decoder_weight=dict(type='DSAWeightConnector')),
        distill_losses=dict(
            loss_pwmse_encoder=dict(type='PWMSELoss', loss_weight=beta),
            loss_pwmse_decoder=dict(type='PWMSELoss', loss_weight=beta)),
        loss_forward_mappings=dict(
            loss_pwmse_encoder=dict(
                preds_S=dict(
                    from_student=True,
                    recorder='encoder',
                    connector='encoder_align'),
                preds_T=dict(from_student=False, recorder='encoder'),
                weight=dict(
                    from_student=False,
                    recorder='encoder',
                    connector='encoder_weight')),
            loss_pwmse_decoder=dict(
                preds_S=dict(
                    from_student=True,
                    recorder='decoder',
                    connector='decoder_align'),
                preds_T=dict(from_student=False, recorder='decoder'),
                weight=dict(
                    from_student=False,
                    recorder='decoder',
                    connector='decoder_weight')))))
# Validation reports the student (plain keys, so save_best='IoU' keeps the
# best student) and then the teacher ('teacher.' keys).
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
