"""tools/deployment/quantize_onnx.py: both INT8 models, calibrated on the
training split, tested beside fp32 and bf16 on the test split."""
import json

import pytest

from mmdsad.datasets import make_synthetic_sirst

TOOL = 'tools/deployment/quantize_onnx.py'
CONFIG = 'configs/dnanet/dnanet_num4_nudt.py'


@pytest.fixture
def exported_student(repo_root, tmp_path, run_script, save_random_model):
    """Synthetic data with ``num_train`` training frames, and a random
    student as checkpoint and exported file: (data, checkpoint, fp32)."""

    def make(num_train: int):
        data = str(tmp_path / 'data')
        make_synthetic_sirst(
            data, num_train=num_train, num_test=2, image_size=(64, 64))
        checkpoint = save_random_model(f'{repo_root}/{CONFIG}',
                                       tmp_path / 'student.pth', seed=0)
        fp32 = str(tmp_path / 'student.onnx')
        run_script('tools/deployment/pytorch2onnx.py', CONFIG, checkpoint,
                   '--out', fp32)
        return data, checkpoint, fp32

    return make


def test_writes_both_int8_models_and_tests_every_runtime(
        tmp_path, run_script, script_process, exported_student):
    data, checkpoint, fp32 = exported_student(num_train=3)
    qdq, ir = str(tmp_path / 'int8.onnx'), str(tmp_path / 'int8.xml')
    command = [
        CONFIG, fp32, '--out', qdq, '--openvino-out', ir, '--data-root',
        data, '--checkpoint', checkpoint, '--calib-frames', '2'
    ]
    printed = run_script(TOOL, *command, '--out-json',
                         str(tmp_path / 'int8.json'))
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


def test_held_out_training_frames_choose_the_calibration(
        tmp_path, run_script, script_process, exported_student):
    data, _, fp32 = exported_student(num_train=4)
    table = tmp_path / 'val.json'
    command = [
        CONFIG, fp32, '--out',
        str(tmp_path / 'int8.onnx'), '--data-root', data, '--backends',
        'onnxruntime', '--val-fraction', '0.5', '--eval-split', 'val',
        '--out-json',
        str(table)
    ]
    printed = run_script(TOOL, *command)
    assert 'calibrated on 2 training frames' in printed
    assert '2 val frames' in printed
    chosen = json.loads(table.read_text())
    calibrated = set(chosen['calibration_frames'])
    tested = set(chosen['eval_frames'])
    # Calibration and the held-out frames split the training frames; no
    # test frame is read.
    train_ids = (tmp_path / 'data' / '50_50' / 'train.txt').read_text().split()
    assert not calibrated & tested
    assert {p.rsplit('/', 1)[-1][:-4] for p in calibrated | tested
            } == set(train_ids)
    # The table is a result: a second run does not replace it.
    before = table.read_text()
    command[command.index(str(tmp_path / 'int8.onnx'))] = str(
        tmp_path / 'other.onnx')
    again = script_process(TOOL, *command)
    assert again.returncode != 0 and 'val.json exists' in again.stderr
    assert table.read_text() == before and not (tmp_path /
                                                'other.onnx').exists()
    # Held-out frames need a held-out share.
    refused = script_process(TOOL, CONFIG, fp32, '--out',
                             str(tmp_path / 'x.onnx'), '--eval-split', 'val')
    assert refused.returncode != 0 and '--val-fraction' in refused.stderr
    refused = script_process(TOOL, CONFIG, fp32, '--out',
                             str(tmp_path / 'x.onnx'), '--val-fraction', '1')
    assert refused.returncode != 0 and 'must be in (0, 1)' in refused.stderr


def test_held_out_share_of_a_merged_training_set_is_refused(
        tmp_path, script_process):
    refused = script_process(
        TOOL, 'configs/dnanet/dnanet_num16_nuaa_nudt_irstd1k.py',
        str(tmp_path / 'student.onnx'), '--out', str(tmp_path / 'x.onnx'),
        '--val-fraction', '0.25')
    assert refused.returncode != 0
    assert 'train_dataloader.dataset is a ConcatDataset' in refused.stderr
    assert not (tmp_path / 'x.onnx').exists()
