# Where each network is distilled, for DSAD and every comparison method.
# The paper does not list DSAD's layers; docs/results.md records the
# measurement behind these. For each network:
# - layers: DSAD's two layers as (module, student num4 channels, teacher
#   num16 channels): 'encoder', the deepest encoder stage (semantics), and
#   'decoder', a full-resolution decoder feature (localisation);
# - head: the decode head's forward, whose outputs logit methods record
#   (a list; the network predicts with the last, data_idx=-1). The method
#   is recorded rather than the module: in training, mmseg's decode head
#   calls its forward() directly, so a module hook on decode_head would
#   stay empty;
# - crosskd: CrossKD's hand-over point (crosskd.py), the decode-head module
#   whose input is the student's head feature.
network_layers = dict(
    dnanet=dict(
        # conv4_0: 1/16 size; conv0_4_final: the fused feature.
        layers=dict(
            encoder=('backbone.conv4_0', 64, 256),
            decoder=('decode_head.conv0_4_final', 4, 16)),
        head='mmdsad.models.decode_heads.dnanet_head.DNANetHead.forward',
        # The input of the fusion block (the concatenated pyramid, 5 x the
        # level-0 width); the teacher's fusion block and classifier are the
        # remaining head layers.
        crosskd=dict(
            cross_module='decode_head.conv0_4_final',
            student_align=dict(in_channel=20, out_channel=80))),
    amfunet=dict(
        # conv5: 1/16 size; fuse1d: decoder stage hd1.
        layers=dict(
            encoder=('backbone.conv5', 64, 256),
            decoder=('decode_head.fuse1d', 20, 80)),
        head='mmdsad.models.decode_heads.amfunet_head.AMFUNetHead.forward',
        # The input of fuse1d (stage 1's attended concatenation, 5f
        # channels); the teacher's fuse1d and outconv1 are the remaining
        # layers. The distilled output is d1 (index -2), the one that
        # feature alone decides: the prediction averages d1 with four
        # outputs the hand-over does not reach.
        crosskd=dict(
            cross_module='decode_head.fuse1d',
            cross_output_index=-2,
            student_align=dict(in_channel=20, out_channel=80))),
    dmfnet=dict(
        # layer_4_0: the dual-encoder bottleneck, 1/8 size; layer_0_1: the
        # last full-resolution decoder stage.
        layers=dict(
            encoder=('backbone.layer_4_0', 64, 256),
            decoder=('backbone.layer_0_1', 4, 16)),
        head='mmdsad.models.decode_heads.dmfnet_head.DMFNetHead.forward',
        # The input of final_layer (the five scales' projections, 5 x 3
        # channels at both widths, so no connector); the teacher's final
        # 1x1 conv is the remaining head layer.
        crosskd=dict(
            cross_module='decode_head.final_layer', student_align=None)))


def _both(recorders):
    return dict(student_recorders=recorders, teacher_recorders=recorders)


def _layers(spec):
    return _both({
        layer: dict(type='ModuleOutputs', source=module)
        for layer, (module, _, _) in spec['layers'].items()
    })


def _connectors(spec, suffix, student_key, teacher_key):
    return {
        f'{layer}_{suffix}': {
            student_key: student,
            teacher_key: teacher
        }
        for layer, (_, student, teacher) in spec['layers'].items()
    }


def _crosskd(spec):
    # CrossKDDistill's recorders: the cross module's input on both sides,
    # and the teacher's head, whose record 0 is the teacher's own run and
    # record 1 the cross-head run (crosskd.py's loss_crosskd compares the
    # two at the distilled output).
    cross = dict(spec['crosskd'])
    inputs = dict(
        cross_input=dict(
            type='ModuleInputs', source=cross.pop('cross_module')))
    index = cross.pop('cross_output_index', -1)

    def head_run(record_idx):
        return dict(
            from_student=False,
            recorder='head',
            record_idx=record_idx,
            data_idx=index)

    return dict(
        cross,
        distiller=dict(
            student_recorders=inputs,
            teacher_recorders=dict(
                inputs, head=dict(type='MethodOutputs', source=spec['head'])),
            loss_forward_mappings=dict(
                loss_crosskd=dict(preds_S=head_run(1), preds_T=head_run(0)))))


# What a leaf merges into its method's model, by network
# (_base_.layer_sets.<net>.<entry>): distiller=feature (DSAD's layers),
# aligned (and the widths of single_teacher_aligned.py's connectors), mgd
# (and the widths of mgd.py's connectors) or logit (the head's outputs);
# crosskd holds the model keys of CrossKDDistill (the recorders and loss
# mappings of _crosskd).
layer_sets = {
    net: dict(
        feature=_layers(spec),
        aligned=dict(
            _layers(spec),
            connectors=_connectors(spec, 'align', 'in_channel',
                                   'out_channel')),
        mgd=dict(
            _layers(spec),
            connectors=_connectors(spec, 'mgd', 'student_channels',
                                   'teacher_channels')),
        logit=_both(
            dict(logits=dict(type='MethodOutputs', source=spec['head']))),
        crosskd=_crosskd(spec))
    for net, spec in network_layers.items()
}
