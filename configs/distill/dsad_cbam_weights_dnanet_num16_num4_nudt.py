# DSAD's Table 4 ablation: PWMSE weighted by CBAM-style spatial attention
# of the teacher feature (parameter-free; see CBAMWeightConnector) instead
# of DSA.
_base_ = './dsad_dnanet_num16_num4_nudt.py'
model = dict(
    distiller=dict(
        connectors=dict(
            encoder_weight=dict(type='CBAMWeightConnector'),
            decoder_weight=dict(type='CBAMWeightConnector'))))
