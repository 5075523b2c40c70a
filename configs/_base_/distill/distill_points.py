# Where each network is distilled: module names only, keyed by the recorder
# names of the method bases (configs/_base_/distill/<method>.py). Channel
# widths are read from the built networks (CheckedTeacherDistill fills
# connector widths, mmdsad/models/algorithms/connector_widths.py).
# configs/distill/ holds one explicit config per method for DNANet on
# NUDT-SIRST, with these names written out; compare_distill.py composes
# every other network and dataset from that config and this table
# (mmdsad_experiments/method_configs.py). The paper does not list DSAD's
# layers; docs/results.md records the measurement behind them.
# - encoder: the deepest encoder stage (semantics, low resolution);
# - decoder: a full-resolution decoder feature (localisation);
# - logits: the decode head's forward, whose outputs (a list; the network
#   predicts with the last) the logit methods record. The method is
#   recorded rather than the module: in training mmseg calls the head's
#   forward() directly, so a module hook on decode_head would stay empty;
# - cross_input: the decode-head module whose input CrossKD hands over to
#   the teacher's remaining head layers (configs/_base_/distill/crosskd.py);
#   cross_output_index: which head output that feature alone decides.
# Adding a network to distillation is one entry here (README, "Distilling
# another network").
distill_points = dict(
    dnanet=dict(
        # conv4_0: 1/16 size; conv0_4: the last full-resolution node of the
        # nested backbone, one block before the fused feature. The fused
        # feature (decode_head.conv0_4_final) is the 1x1 classifier's own
        # 4-channel input: distilling it took the student's background
        # suppression away (low-threshold collapses of DSAD and MGD, gone
        # one block earlier; docs/results.md, "The fused feature, tested").
        encoder='backbone.conv4_0',
        decoder='backbone.conv0_4',
        logits='mmdsad.models.decode_heads.dnanet_head.DNANetHead.forward',
        cross_input='decode_head.conv0_4_final',
        cross_output_index=-1),
    amfunet=dict(
        # conv5: 1/16 size; fuse1d: decoder stage hd1, whose input is stage
        # 1's attended concatenation. The prediction averages d1 (index -2)
        # with four outputs the hand-over does not reach.
        encoder='backbone.conv5',
        decoder='decode_head.fuse1d',
        logits='mmdsad.models.decode_heads.amfunet_head.AMFUNetHead.forward',
        cross_input='decode_head.fuse1d',
        cross_output_index=-2),
    dmfnet=dict(
        # layer_4_0: the dual-encoder bottleneck, 1/8 size; layer_0_1: the
        # last full-resolution decoder stage; final_layer's input: the five
        # scales' projections (5 x 3 channels at both widths).
        encoder='backbone.layer_4_0',
        decoder='backbone.layer_0_1',
        logits='mmdsad.models.decode_heads.dmfnet_head.DMFNetHead.forward',
        cross_input='decode_head.final_layer',
        cross_output_index=-1))
