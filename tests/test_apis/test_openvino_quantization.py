"""quantize_openvino: an INT8 OpenVINO IR of an exported network (NNCF),
calibrated on given frames, that the OpenVINO backend runs at any size."""
import numpy as np
import openvino
import pytest
import torch

from mmdsad.apis import export_onnx, quantize_openvino
from mmdsad.apis.openvino_quantization import ir_weights_file

from .small_network import SmallNetwork, frames


@pytest.fixture(scope='module')
def quantized(tmp_path_factory):
    folder = tmp_path_factory.mktemp('nncf')
    network = SmallNetwork().eval()
    export_onnx(network, str(folder / 'fp32.onnx'))
    used = quantize_openvino(
        str(folder / 'fp32.onnx'), str(folder / 'int8.xml'), frames(6),
        max_frames=4)
    return network, folder, used


def test_ir_holds_fake_quantize_before_the_convolutions(quantized):
    _, folder, used = quantized
    assert used == 4
    assert (folder / 'int8.bin').exists()
    model = openvino.Core().read_model(str(folder / 'int8.xml'))
    ops = [op.get_type_name() for op in model.get_ordered_ops()]
    assert ops.count('FakeQuantize') >= 2
    # The probabilities still come from a float sigmoid.
    (result, ) = model.get_results()
    assert result.input_value(0).get_node().get_type_name() == 'Sigmoid'


def test_int8_output_is_near_fp32_at_any_size(quantized):
    network, folder, _ = quantized
    compiled = openvino.Core().compile_model(str(folder / 'int8.xml'), 'CPU')
    for size in (32, 48):
        images = frames(1, size, seed=1)[0]
        with torch.no_grad():
            expected = network(torch.from_numpy(images)).numpy()
        actual = compiled([images])[0]
        assert actual.shape == expected.shape
        # 8-bit activations: beyond fp32 noise, yet close everywhere.
        difference = np.abs(actual - expected)
        assert 1e-5 < difference.max() < 0.02


def test_bad_outputs_and_no_frames_are_refused(quantized, tmp_path):
    _, folder, _ = quantized
    before = (folder / 'int8.bin').read_bytes()
    with pytest.raises(FileExistsError, match='int8.xml exists'):
        quantize_openvino(
            str(folder / 'fp32.onnx'), str(folder / 'int8.xml'), frames(1))
    assert (folder / 'int8.bin').read_bytes() == before
    # The weights file alone is protected too.
    (tmp_path / 'other.bin').write_bytes(b'kept')
    with pytest.raises(FileExistsError, match='other.bin exists'):
        quantize_openvino(
            str(folder / 'fp32.onnx'), str(tmp_path / 'other.xml'),
            frames(1))
    assert (tmp_path / 'other.bin').read_bytes() == b'kept'
    with pytest.raises(ValueError, match='must end in .xml'):
        quantize_openvino(
            str(folder / 'fp32.onnx'), str(tmp_path / 'model.onnx'),
            frames(1))
    with pytest.raises(ValueError, match='no calibration frames'):
        quantize_openvino(
            str(folder / 'fp32.onnx'), str(tmp_path / 'none.xml'), [])
    # Nothing is left behind by the failed runs.
    assert sorted(p.name for p in tmp_path.iterdir()) == ['other.bin']


def test_weights_file_sits_beside_the_graph():
    assert ir_weights_file('out/model_int8.xml') == 'out/model_int8.bin'


def test_a_rare_bright_target_is_not_clipped(tmp_path):
    # One calibration frame of eight holds a bright spot, the others are
    # dim background: averaging each frame's extremes would clip the spot's
    # activations to about an eighth of their size; the range over all
    # frames keeps it.
    network = SmallNetwork().eval()
    # A classifier steep enough that the spot decides its pixels.
    network.layers[2].weight.data *= 30
    export_onnx(network, str(tmp_path / 'fp32.onnx'))
    rng = np.random.default_rng(0)
    dim = [(rng.random((1, 3, 32, 32)) * 20).astype(np.float32)
           for _ in range(7)]
    bright = dim[0].copy()
    bright[..., 14:17, 14:17] = 255
    quantize_openvino(str(tmp_path / 'fp32.onnx'), str(tmp_path / 'q.xml'),
                      dim + [bright])
    compiled = openvino.Core().compile_model(str(tmp_path / 'q.xml'), 'CPU')
    with torch.no_grad():
        expected = network(torch.from_numpy(bright)).numpy()
    actual = compiled([bright])[0]
    spot = (Ellipsis, slice(13, 18), slice(13, 18))
    assert np.abs(expected[spot] -
                  dim_output(network, dim[0])[spot]).max() > 0.1
    assert np.abs(actual[spot] - expected[spot]).max() < 0.05


def dim_output(network, images):
    with torch.no_grad():
        return network(torch.from_numpy(images)).numpy()
