"""tools/deployment/pytorch2onnx.py on a distilled-student checkpoint."""

import numpy as np
import onnxruntime
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from mmdsad.utils.weights_only import save_weights_only

TOOL = 'tools/deployment/pytorch2onnx.py'
CONFIG = 'configs/dnanet/dnanet_num4_nudt.py'


def student_checkpoint(repo_root, path):
    """A random DNANet num4 saved as MMRazor saves a student, plus teacher."""
    torch.manual_seed(0)
    init_default_scope('mmseg')
    network = MODELS.build(Config.fromfile(f'{repo_root}/{CONFIG}').model)
    network.init_weights()
    state = {f'architecture.{k}': v for k, v in network.state_dict().items()}
    state['teacher.backbone.conv0_0.weight'] = torch.zeros(1)
    save_weights_only(state, {}, path)


def test_exports_a_student_with_dynamic_size(
        repo_root, tmp_path, script_process):
    checkpoint, out = str(tmp_path / 'student.pth'), str(tmp_path / 's.onnx')
    student_checkpoint(repo_root, checkpoint)
    result = script_process(TOOL, CONFIG, checkpoint, '--out', out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'max |diff|' in result.stdout
    session = onnxruntime.InferenceSession(
        out, providers=['CPUExecutionProvider'])
    images = np.random.default_rng(0).uniform(0, 255, (2, 3, 48, 80))
    probabilities = session.run(None, {'images': images.astype('float32')})[0]
    assert probabilities.shape == (2, 1, 48, 80)
    assert ((probabilities >= 0) & (probabilities <= 1)).all()


def test_mismatching_config_names_the_keys(
        repo_root, tmp_path, script_process):
    checkpoint = str(tmp_path / 'student.pth')
    student_checkpoint(repo_root, checkpoint)
    result = script_process(TOOL, 'configs/dnanet/dnanet_num16_nudt.py',
                      checkpoint, '--out', str(tmp_path / 's.onnx'))
    assert result.returncode != 0
    assert 'CheckpointMismatchError' in result.stderr
    assert 'backbone.conv0_0' in result.stderr
    assert not (tmp_path / 's.onnx').exists()


def test_out_is_never_the_checkpoint(repo_root, tmp_path, script_process):
    checkpoint = tmp_path / 'student.pth'
    student_checkpoint(repo_root, str(checkpoint))
    before = checkpoint.read_bytes()
    # Even with --overwrite, and through another spelling of the path.
    for out in (str(checkpoint), str(tmp_path / '.' / 'student.pth')):
        result = script_process(TOOL, CONFIG, str(checkpoint), '--out', out,
                                '--overwrite')
        assert result.returncode != 0
        assert 'is the input' in result.stderr
    assert checkpoint.read_bytes() == before


def test_existing_out_needs_overwrite(repo_root, tmp_path, script_process):
    checkpoint, out = str(tmp_path / 'student.pth'), tmp_path / 's.onnx'
    student_checkpoint(repo_root, checkpoint)
    out.write_bytes(b'an earlier export')
    refused = script_process(TOOL, CONFIG, checkpoint, '--out', str(out))
    assert refused.returncode != 0
    assert 's.onnx exists' in refused.stderr
    assert '--overwrite' in refused.stderr
    assert out.read_bytes() == b'an earlier export'
    replaced = script_process(TOOL, CONFIG, checkpoint, '--out', str(out),
                              '--overwrite')
    assert replaced.returncode == 0, replaced.stdout + replaced.stderr
    onnxruntime.InferenceSession(
        str(out), providers=['CPUExecutionProvider'])
    # The temporary folder of the atomic write is gone.
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        's.onnx', 'student.pth'
    ]
