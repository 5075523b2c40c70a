# DSAD's layer set in DNANet, distilled by DSAD and the feature
# methods (the paper does not list its layers; docs/results.md records the
# measurement behind these):
# - encoder: backbone.conv4_0 (deepest encoder stage, 1/16 size);
# - decoder: decode_head.conv0_4_final (fused full-resolution feature).
# A leaf reads feature_distiller (recorders), aligned_distiller
# (recorders and the widths of single_teacher_aligned.py's connectors) or
# mgd_distiller (recorders and the widths of mgd.py's connectors); logit
# methods read logit_distiller.
layer_recorders = dict(
    encoder=dict(type='ModuleOutputs', source='backbone.conv4_0'),
    decoder=dict(type='ModuleOutputs', source='decode_head.conv0_4_final'))
# (student num4, teacher num16) channels of each layer.
layer_channels = dict(encoder=(64, 256), decoder=(4, 16))
feature_distiller = dict(
    student_recorders=layer_recorders, teacher_recorders=layer_recorders)
aligned_distiller = dict(
    feature_distiller,
    connectors={
        f'{layer}_align': dict(in_channel=student, out_channel=teacher)
        for layer, (student, teacher) in layer_channels.items()
    })
mgd_distiller = dict(
    feature_distiller,
    connectors={
        f'{layer}_mgd': dict(
            student_channels=student, teacher_channels=teacher)
        for layer, (student, teacher) in layer_channels.items()
    })
# The output logits: the head's forward returns every supervised output
# and the network predicts with the last (data_idx=-1 in the method's
# mapping). The method is recorded rather than the module: in training,
# mmseg's decode head calls its forward() directly, so a module hook on
# decode_head would stay empty.
logits_recorder = dict(
    logits=dict(
        type='MethodOutputs',
        source='mmdsad.models.decode_heads.dnanet_head.'
        'DNANetHead.forward'))
logit_distiller = dict(
    student_recorders=logits_recorder, teacher_recorders=logits_recorder)
# CrossKD's hand-over (crosskd.py): the input of the fusion block
# decode_head.conv0_4_final (the concatenated pyramid, 5 x the level-0
# width); the teacher's fusion block and classifier are the remaining head
# layers.
crosskd_handover = dict(
    cross_module='decode_head.conv0_4_final',
    student_align=dict(in_channel=20, out_channel=80))
