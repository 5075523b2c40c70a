# The demo's Table 4 ablation: CBAM-style spatial weights instead of DSA.
_base_ = './dsad_dnanet_num16_num4_synthetic.py'
model = dict(
    distiller=dict(
        connectors=dict(
            encoder_weight=dict(type='CBAMWeightConnector'),
            decoder_weight=dict(type='CBAMWeightConnector'))))
