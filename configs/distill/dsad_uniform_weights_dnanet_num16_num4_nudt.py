# DSAD's Table 4 ablation: PWMSE weighted by uniform weights (a plain MSE
# of Gaussian-transformed features) instead of DSA.
_base_ = './dsad_dnanet_num16_num4_nudt.py'
model = dict(
    distiller=dict(
        connectors=dict(
            encoder_weight=dict(type='UniformWeightConnector'),
            decoder_weight=dict(type='UniformWeightConnector'))))
