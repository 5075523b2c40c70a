# DSAD's layer set in DMFNet, distilled by DSAD and the feature
# methods (the paper does not list its layers; docs/results.md records the
# measurement behind these):
# - encoder: backbone.layer_4_0 (the dual-encoder bottleneck, 1/8 size);
# - decoder: backbone.layer_0_1 (the last full-resolution decoder stage).
# A leaf reads feature_distiller (recorders), aligned_distiller
# (recorders and the widths of single_teacher_aligned.py's connectors) or
# mgd_distiller (recorders and the widths of mgd.py's connectors); logit
# methods read logit_distiller.
layer_recorders = dict(
    encoder=dict(type='ModuleOutputs', source='backbone.layer_4_0'),
    decoder=dict(type='ModuleOutputs', source='backbone.layer_0_1'))
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
        source='mmdsad.models.decode_heads.dmfnet_head.'
        'DMFNetHead.forward'))
logit_distiller = dict(
    student_recorders=logits_recorder, teacher_recorders=logits_recorder)
# CrossKD's hand-over (crosskd.py): the input of decode_head.final_layer
# (the five scales' projections, 5 x 3 channels at both widths, so no
# connector); the teacher's final 1x1 conv is the remaining head layer.
crosskd_handover = dict(
    cross_module='decode_head.final_layer', student_align=None)
