"""The three spatial-weight variants of DSAD's ablation (Table 4)."""
import pytest
import torch
from mmrazor.registry import MODELS

from mmdsad.models.connectors import (
    CBAMWeightConnector,
    DSAWeightConnector,
    UniformWeightConnector,
)
from mmdsad.models.layers import DSA


def blob_features(size=32, channels=8):
    """Smooth background with one small bright blob at the centre."""
    ys, xs = torch.meshgrid(
        torch.arange(size, dtype=torch.float32),
        torch.arange(size, dtype=torch.float32),
        indexing='ij')
    blob = torch.exp(-((ys - size // 2)**2 + (xs - size // 2)**2) / 4.5)
    background = 0.02 * xs / size
    return (blob + background).expand(1, channels, size, size).clone()


@pytest.mark.parametrize('name', [
    'DSAWeightConnector', 'UniformWeightConnector', 'CBAMWeightConnector'
])
def test_built_from_mmrazor_registry_parameter_free(name):
    connector = MODELS.build(dict(type=name, _scope_='mmrazor'))
    weights = connector(torch.randn(2, 8, 16, 16, requires_grad=True))
    assert weights.shape == (2, 1, 16, 16)
    assert not weights.requires_grad
    assert sum(p.numel() for p in connector.parameters()) == 0


def test_dsa_connector_reuses_fixed_dsa():
    connector = DSAWeightConnector()
    assert isinstance(connector.dsa, DSA) and not connector.dsa.learnable
    features = torch.randn(2, 8, 16, 16)
    torch.testing.assert_close(connector(features), connector.dsa(features))


def test_dsa_weights_single_out_the_target():
    weights = DSAWeightConnector()(blob_features())[0, 0]
    assert weights[16, 16] > 0.9
    assert weights[4, 4] < 0.6


def test_uniform_weights_are_ones():
    weights = UniformWeightConnector()(torch.randn(3, 5, 7, 9))
    assert torch.equal(weights, torch.ones(3, 1, 7, 9))


def test_cbam_weights_are_smooth_saliency():
    weights = CBAMWeightConnector()(blob_features())[0, 0]
    # Brighter around the blob, but without DSA's directional contrast a
    # constant bright level would score high too.
    assert weights[16, 16] > weights[4, 4]
    flat = CBAMWeightConnector()(torch.full((1, 4, 16, 16), 3.0))[0, 0]
    assert flat[8, 8] == pytest.approx(torch.sigmoid(torch.tensor(3.0)))
    dsa_flat = DSAWeightConnector()(torch.full((1, 4, 16, 16), 3.0))[0, 0]
    assert dsa_flat[8, 8] == pytest.approx(0.5)


def test_cbam_kernel_must_be_odd():
    with pytest.raises(ValueError, match='odd'):
        CBAMWeightConnector(kernel_size=6)
