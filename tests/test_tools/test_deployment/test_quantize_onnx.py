"""tools/deployment/quantize_onnx.py: both INT8 models, calibrated on the
training split, tested beside fp32 and bf16 on the test split."""
import json

from mmdsad.datasets import make_synthetic_sirst

TOOL = 'tools/deployment/quantize_onnx.py'
CONFIG = 'configs/dnanet/dnanet_num4_nudt.py'


def test_writes_both_int8_models_and_tests_every_runtime(
        repo_root, tmp_path, run_script, script_process, save_random_model):
    data = str(tmp_path / 'data')
    make_synthetic_sirst(data, num_train=3, num_test=2, image_size=(64, 64))
    checkpoint = save_random_model(f'{repo_root}/{CONFIG}',
                                   tmp_path / 'student.pth', seed=0)
    fp32 = str(tmp_path / 'student.onnx')
    run_script('tools/deployment/pytorch2onnx.py', CONFIG, checkpoint,
               '--out', fp32)
    qdq, ir = str(tmp_path / 'int8.onnx'), str(tmp_path / 'int8.xml')
    command = [
        CONFIG, fp32, '--out', qdq, '--openvino-out', ir, '--data-root',
        data, '--checkpoint', checkpoint, '--calib-frames', '2',
        '--out-json', str(tmp_path / 'int8.json')
    ]
    printed = run_script(TOOL, *command)
    assert 'calibrated on 2 training frames' in printed
    rows = json.loads((tmp_path / 'int8.json').read_text())['rows']
    assert [(r['backend'], r['precision']) for r in rows] == [
        ('pytorch', 'fp32'), ('onnxruntime', 'fp32'),
        ('onnxruntime', 'int8 (QDQ)'), ('openvino', 'fp32'),
        ('openvino', 'int8 (QDQ)'), ('openvino', 'int8 (NNCF)'),
        ('openvino_bf16', 'bf16')
    ]
    # fp32 in both runtimes gives PyTorch's masks on both test frames.
    assert [r['masks_agree'] for r in rows if r['precision'] == 'fp32'
            ][1:] == ['2/2', '2/2']
    assert '| openvino | int8 (NNCF) |' in printed
    # A second run does not replace the models it wrote, even where only
    # the IR is in the way.
    before = {p: open(p, 'rb').read() for p in (qdq, ir)}
    again = script_process(TOOL, *command, '--no-eval')
    assert again.returncode != 0 and 'int8.xml exists' in again.stderr
    assert {p: open(p, 'rb').read() for p in (qdq, ir)} == before
    fresh_qdq = str(tmp_path / 'other.onnx')
    command[command.index(qdq)] = fresh_qdq
    again = script_process(TOOL, *command, '--no-eval')
    assert again.returncode != 0 and 'int8.xml exists' in again.stderr
    assert not (tmp_path / 'other.onnx').exists()
