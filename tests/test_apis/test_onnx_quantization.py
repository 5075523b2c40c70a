"""quantize_onnx: an INT8 QDQ copy of an exported network, calibrated on
given frames, that both ONNX runtimes run at any size."""
import numpy as np
import onnx
import pytest
import torch

from mmdsad.apis import export_onnx, quantize_onnx

from .small_network import SmallNetwork, frames


@pytest.fixture(scope='module')
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp('int8')
    network = SmallNetwork().eval()
    export_onnx(network, str(folder / 'fp32.onnx'))
    used = quantize_onnx(
        str(folder / 'fp32.onnx'), str(folder / 'int8.onnx'), frames(6),
        max_frames=4)
    return network, folder, used


def test_graph_is_qdq_with_a_float_sigmoid(exported):
    _, folder, used = exported
    assert used == 4
    graph = onnx.load(str(folder / 'int8.onnx')).graph
    ops = [node.op_type for node in graph.node]
    assert 'QuantizeLinear' in ops and 'DequantizeLinear' in ops
    # The probabilities come from the sigmoid itself, in float.
    (last, ) = [n for n in graph.node if 'probabilities' in n.output]
    assert last.op_type == 'Sigmoid'
    assert graph.output[0].type.tensor_type.elem_type == onnx.TensorProto.FLOAT


def run_file(backend, path, images):
    if backend == 'onnxruntime':
        import onnxruntime
        session = onnxruntime.InferenceSession(
            path, providers=['CPUExecutionProvider'])
        return session.run(None, {'images': images})[0]
    import openvino
    return openvino.Core().compile_model(path, 'CPU')([images])[0]


@pytest.mark.parametrize('backend', ['onnxruntime', 'openvino'])
def test_int8_output_is_near_fp32_at_any_size(exported, backend):
    network, folder, _ = exported
    for size in (32, 48):
        images = frames(1, size, seed=1)[0]
        with torch.no_grad():
            expected = network(torch.from_numpy(images)).numpy()
        actual = run_file(backend, str(folder / 'int8.onnx'), images)
        assert actual.shape == expected.shape
        # 8-bit activations: beyond fp32 noise, yet close everywhere.
        difference = np.abs(actual - expected)
        assert 1e-5 < difference.max() < 0.02


def test_existing_output_and_no_frames_are_refused(exported, tmp_path):
    _, folder, _ = exported
    with pytest.raises(FileExistsError, match='int8.onnx exists'):
        quantize_onnx(
            str(folder / 'fp32.onnx'), str(folder / 'int8.onnx'), frames(1))
    with pytest.raises(ValueError, match='no calibration frames'):
        quantize_onnx(
            str(folder / 'fp32.onnx'), str(tmp_path / 'none.onnx'), [])
    # Nothing is left behind by the failed run.
    assert list(tmp_path.iterdir()) == []
