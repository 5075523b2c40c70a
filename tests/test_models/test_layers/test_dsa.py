"""DSA (DSAD Eqs. 2-7): the directional-contrast property and the maths."""
import math

import pytest
import torch
import torch.nn.functional as F
from mmengine.analysis import FlopAnalyzer
from mmseg.registry import MODELS

from mmdsad.models.layers import DSA
from mmdsad.models.layers.dsa import KERNEL_SIZE

SIZE = 64
AMPLITUDE = 0.5
BLOB_SIGMA = 1.5
BLOB_CENTRE = (20, 20)
# Measured (amplitude 0.5, 1-channel map): blob centre 0.99996 ('ones') /
# 0.989 ('gaussian'); background, edge and lines at most 0.505.
TARGET_MIN = 0.95
CLUTTER_MAX = 0.52
# Keep clear of the zero-padded border and of the blob.
MARGIN = 5
# Counted MACs: one dense 7x7 convolution with four output channels per
# pixel; FlopAnalyzer counts 4 per bilinearly interpolated base-kernel value.
PAIRS = 4
KERNEL_EXPANSION = 4 * KERNEL_SIZE * KERNEL_SIZE


def coords():
    return torch.meshgrid(
        torch.arange(SIZE, dtype=torch.float32),
        torch.arange(SIZE, dtype=torch.float32),
        indexing='ij')


def background():
    """A smooth, non-flat background: a gentle ramp plus slow sinusoids."""
    rows, cols = coords()
    return (0.5 * cols / SIZE + 0.2 * torch.sin(2 * math.pi * rows / 48) +
            0.2 * torch.cos(2 * math.pi * cols / 40))


def weights(dsa, image):
    return dsa(image[None, None])[0, 0]


def interior(weight_map):
    return weight_map[MARGIN:-MARGIN, MARGIN:-MARGIN]


@pytest.mark.parametrize('base_kernel', ['ones', 'gaussian'])
def test_blob_beats_background_edges_and_lines(base_kernel):
    dsa = DSA(base_kernel=base_kernel)
    rows, cols = coords()
    bg = background()
    blob = AMPLITUDE * torch.exp(-((rows - BLOB_CENTRE[0])**2 +
                                   (cols - BLOB_CENTRE[1])**2) /
                                 (2 * BLOB_SIGMA**2))
    with torch.no_grad():
        blob_map = weights(dsa, bg + blob)
        clutter = {
            'background': bg,
            'step edge': bg + AMPLITUDE * (cols >= 40).float(),
            '2-px line': bg + AMPLITUDE * ((rows >= 45) & (rows < 47)).float(),
            '1-px line': bg + AMPLITUDE * (cols == 10).float(),
            'diagonal line': bg + AMPLITUDE * (rows == cols).float(),
        }
        clutter_max = {
            name: interior(weights(dsa, image)).max().item()
            for name, image in clutter.items()
        }
    assert blob_map[BLOB_CENTRE].item() > TARGET_MIN
    assert interior(blob_map).argmax().item() == (
        (BLOB_CENTRE[0] - MARGIN) * (SIZE - 2 * MARGIN) + BLOB_CENTRE[1] -
        MARGIN)
    for name, value in clutter_max.items():
        assert value < CLUTTER_MAX, (name, value)


def test_literal_layout_would_miss_the_blob_centre():
    # Each mask +1 on its ray and -1 on the opposite one, no centre: the pair
    # difference is twice a first difference, zero at a symmetric blob.
    dsa = DSA()
    rows, cols = coords()
    image = torch.exp(-((rows - 32)**2 + (cols - 32)**2) / (2 * BLOB_SIGMA**2))
    literal = dsa.masks[:4] + dsa.masks[4:]
    response = 2 * F.conv2d(image[None, None], literal[:, None], padding=3)
    assert response[0, :, 32, 32].abs().max() < 1e-6
    assert dsa.contrasts(image[None, None])[0, :, 32, 32].min() > 1


def test_kernels_are_zero_sum_with_the_paper_layout():
    for base_kernel in ('ones', 'gaussian'):
        kernels = DSA(base_kernel=base_kernel).directional_kernels()
        assert kernels.shape == (8, KERNEL_SIZE, KERNEL_SIZE)
        torch.testing.assert_close(
            kernels.sum(dim=(1, 2)), torch.zeros(8), atol=1e-6, rtol=0)
    kernels = DSA().directional_kernels()
    # d1 = 0 degrees: three pixels to the right of the centre; d5 opposite.
    assert kernels[0, 3, 4:].tolist() == [1, 1, 1]
    assert kernels[0, 3, 3].item() == -3
    assert kernels[4, 3, :3].tolist() == [-1, -1, -1]
    assert kernels[4, 3, 3].item() == 3
    # d2 = 45 degrees: up and to the right.
    assert [kernels[1, 3 - k, 3 + k].item() for k in (1, 2, 3)] == [1, 1, 1]
    assert (kernels[0] != 0).sum().item() == 4


def dense_contrasts(dsa, x):
    """Eqs. 2-5 as written: a two-channel F_cat, eight dense 7x7 kernels."""
    f_cat = torch.cat(
        [x.mean(dim=1, keepdim=True),
         x.amax(dim=1, keepdim=True)], dim=1)
    kernels = dsa.directional_kernels().to(x.dtype)
    responses = F.conv2d(
        f_cat, kernels[:, None].expand(-1, 2, -1, -1), padding=3)
    return (responses[:, :4] - responses[:, 4:])**2


def perturbed_dsa(dtype=torch.float32):
    torch.manual_seed(0)
    dsa = DSA(base_kernel='gaussian', learnable=True).to(dtype)
    with torch.no_grad():
        dsa.base_kernel.add_(torch.rand(3, 3, dtype=dtype))
    return dsa


def test_pair_convolution_equals_dense_eight_directions():
    dsa = perturbed_dsa()
    x = torch.randn(2, 5, 19, 23)
    dense = dense_contrasts(dsa, x)
    with torch.no_grad():
        torch.testing.assert_close(
            dsa.contrasts(x), dense, rtol=1e-4, atol=1e-4)
        torch.testing.assert_close(
            dsa(x), torch.sigmoid(dense.amin(dim=1, keepdim=True)))


# Non-square maps, maps narrower than the 7x7 kernel, single rows/columns.
@pytest.mark.parametrize('shape', [(2, 5, 19, 23), (1, 3, 23, 8),
                                   (2, 4, 2, 3), (1, 2, 1, 9), (3, 1, 9, 1),
                                   (1, 3, 1, 1)])
def test_exactly_dense_in_float64(shape):
    dsa = perturbed_dsa(torch.float64)
    x = torch.randn(*shape, dtype=torch.float64)
    with torch.no_grad():
        contrasts = dsa.contrasts(x)
        dense = dense_contrasts(dsa, x)
    assert contrasts.dtype == torch.float64
    torch.testing.assert_close(contrasts, dense, rtol=1e-10, atol=1e-10)


def test_gradient_equals_dense_gradient():
    x = 0.1 * torch.randn(2, 3, 13, 17, dtype=torch.float64)
    grads = []
    for contrasts in (DSA.contrasts, dense_contrasts):
        dsa = perturbed_dsa(torch.float64)
        torch.sigmoid(contrasts(dsa, x).amin(dim=1)).sum().backward()
        grads.append(dsa.base_kernel.grad)
    torch.testing.assert_close(grads[0], grads[1], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize('size', [(256, 256), (16, 16), (19, 23)])
def test_counted_cost_is_the_dense_pair_convolution(size):
    height, width = size
    analyzer = FlopAnalyzer(DSA(learnable=True), torch.rand(1, 4, *size))
    analyzer.unsupported_ops_warnings(False)
    counts = analyzer.by_operator()
    assert counts['conv'] == PAIRS * KERNEL_SIZE**2 * height * width
    assert analyzer.total() == counts['conv'] + KERNEL_EXPANSION


def test_output_shape_and_range():
    x = torch.randn(3, 6, 17, 9) * 10
    out = DSA()(x)
    assert out.shape == (3, 1, 17, 9)
    assert ((out >= 0.5) & (out <= 1)).all()


def test_keeps_the_input_dtype():
    x = torch.randn(2, 3, 11, 7)
    for dtype in (torch.float64, torch.bfloat16):
        with torch.no_grad():
            assert DSA(learnable=True)(x.to(dtype)).dtype == dtype


def test_deterministic():
    x = torch.randn(2, 4, 16, 16)
    first, second = DSA(), DSA()
    torch.testing.assert_close(first(x), first(x), rtol=0, atol=0)
    torch.testing.assert_close(first(x), second(x), rtol=0, atol=0)


def test_parameter_free_when_fixed_nine_weights_when_learnable():
    fixed = DSA()
    assert sum(p.numel() for p in fixed.parameters()) == 0
    assert fixed.state_dict() == {}
    learnable = DSA(learnable=True)
    assert [p.shape for p in learnable.parameters()] == [(3, 3)]


def test_gradient_reaches_learnable_base_kernel():
    dsa = DSA(learnable=True)
    # Small features keep the sigmoid out of saturation.
    dsa(0.1 * torch.randn(2, 3, 12, 12)).sum().backward()
    assert dsa.base_kernel.grad is not None
    assert dsa.base_kernel.grad.abs().sum() > 0


def test_registered_and_rejects_unknown_base_kernel():
    assert isinstance(MODELS.build(dict(type='DSA')), DSA)
    with pytest.raises(ValueError, match='base_kernel'):
        DSA(base_kernel='box')


def test_exported_graph_serves_every_size(tmp_path):
    # The graph must not depend on the traced size (an earlier conv1d
    # formulation had a width-dependent dilation).
    onnxruntime = pytest.importorskip('onnxruntime')
    dsa, path = DSA(base_kernel='gaussian'), str(tmp_path / 'dsa.onnx')
    dynamic = {0: 'batch', 2: 'height', 3: 'width'}
    torch.onnx.export(
        dsa, (torch.randn(1, 4, 16, 16), ),
        path,
        input_names=['x'],
        output_names=['weights'],
        dynamic_axes=dict(x=dynamic, weights=dynamic),
        opset_version=17,
        dynamo=False)
    session = onnxruntime.InferenceSession(
        path, providers=['CPUExecutionProvider'])
    for shape in [(1, 4, 16, 16), (1, 4, 16, 24), (2, 4, 9, 5)]:
        x = torch.randn(*shape)
        with torch.no_grad():
            expected = dsa(x).numpy()
        actual = session.run(None, {'x': x.numpy()})[0]
        torch.testing.assert_close(
            torch.from_numpy(actual), torch.from_numpy(expected))
