"""tools/analysis_tools/distill_gradients.py: loss values and gradients."""
import json
import os.path as osp

import pytest
import torch

from mmdsad.datasets import make_synthetic_sirst
from mmdsad.utils import UnsafeCheckpointError

TOOL = osp.join('tools', 'analysis_tools', 'distill_gradients.py')
TEACHER_CONFIG = 'configs/demo/dnanet_num16_synthetic.py'
DSAD_CONFIG = 'configs/demo/dsad_dnanet_num16_num4_synthetic.py'


@pytest.fixture
def random_teacher(repo_root, tmp_path, save_random_model):
    """The demo teacher's network with random weights, saved; its path."""
    return save_random_model(
        osp.join(repo_root, TEACHER_CONFIG), tmp_path / 'teacher.pth')


def test_prints_each_loss_with_its_gradient_ratio(
        repo_root, tmp_path, capsys, load_script, random_teacher):
    teacher_file = random_teacher
    data = str(tmp_path / 'data')
    make_synthetic_sirst(data, num_train=4, num_test=1, image_size=(64, 64))
    tool = load_script(TOOL)
    tool.main([
        osp.join(repo_root, DSAD_CONFIG), '--teacher-ckpt', teacher_file,
        '--data-root', data, '--batches', '1', '--cfg-options',
        'train_dataloader.batch_size=2', '--json-out',
        str(tmp_path / 'gradients.json')
    ])
    lines = capsys.readouterr().out.splitlines()
    header = max(i for i, line in enumerate(lines) if line.startswith('loss '))
    # The name column is 34 characters wide.
    rows = {
        line[:34].strip(): line[34:].split()
        for line in lines[header + 1:-1]
    }
    assert set(rows) == {
        'student.decode.loss_softiou', 'distill.loss_pwmse_encoder',
        'distill.loss_pwmse_decoder', 'distill (all)'
    }
    assert float(rows['student.decode.loss_softiou'][2]) == 1.0
    # The task gradient is aligned with itself.
    assert float(rows['student.decode.loss_softiou'][3]) == 1.0
    # Both distillation terms reach the student.
    assert all(float(rows[k][1]) > 0 for k in rows)
    saved = json.loads((tmp_path / 'gradients.json').read_text())
    assert set(saved) == set(rows)
    # The gradient of the sum, bounded by the triangle inequality.
    norms = {k: v['grad_norm'] for k, v in saved.items()}
    assert norms['distill (all)'] <= (norms['distill.loss_pwmse_encoder'] +
                                      norms['distill.loss_pwmse_decoder'])
    assert saved['distill (all)']['vs_task'] == pytest.approx(
        norms['distill (all)'] / norms['student.decode.loss_softiou'])
    assert all(abs(v['cos_task']) <= 1 + 1e-12 for v in saved.values())
    assert saved['student.decode.loss_softiou']['cos_task'] == pytest.approx(
        1, abs=1e-9)


class _LinearLosses(torch.nn.Module):
    """Losses linear in one student parameter: known gradients."""

    def __init__(self):
        super().__init__()
        self.architecture = torch.nn.Module()
        self.architecture.weight = torch.nn.Parameter(torch.ones(2))
        self.connector = torch.nn.Parameter(torch.ones(2))

    def forward(self, mode):
        weight = self.architecture.weight
        return {
            'student.decode.loss_softiou': weight @ torch.tensor([1., 0.]),
            'student.decode.softiou_out0': weight.sum(),
            # Gradient (1, 1): 45 degrees from the task's (1, 0).
            'distill.loss_a': weight @ torch.tensor([1., 1.]),
            # Gradient (0, -2), and none on the student from the connector.
            'distill.loss_b': weight @ torch.tensor([0., -2.]) +
            self.connector.sum(),
        }


def test_cosine_to_the_task_gradient(load_script):
    # A term counts as a loss by its name; the logged per-output SoftIoU
    # (no 'loss' in it) is not part of the task gradient.
    result = load_script(TOOL).gradient_norms(_LinearLosses(), {})
    assert set(result) == {
        'student.decode.loss_softiou', 'distill.loss_a', 'distill.loss_b',
        'distill (all)'
    }
    value, norm, cosine = result['distill.loss_a']
    assert (value, norm) == pytest.approx((2, 2**0.5))
    assert cosine == pytest.approx(2**-0.5)
    assert result['distill.loss_b'][1:] == pytest.approx([2, 0])
    # The sum's gradient (1, -1) is again 45 degrees from the task's.
    assert result['distill (all)'][1:] == pytest.approx([2**0.5, 2**-0.5])
    assert result['student.decode.loss_softiou'][2] == pytest.approx(1)


def test_malicious_checkpoint_is_refused_before_it_runs(
        repo_root, load_script, malicious_checkpoint,
        random_teacher):
    # The checkpoint's own folder is not trusted: it is loaded weights-only.
    evil, marker = malicious_checkpoint
    teacher_file = random_teacher
    tool = load_script(TOOL)
    with pytest.raises(UnsafeCheckpointError) as error:
        tool.main([
            osp.join(repo_root, DSAD_CONFIG), '--teacher-ckpt', teacher_file,
            '--checkpoint', evil, '--batches', '1'
        ])
    assert not marker.exists()
    assert evil in str(error.value) and 'posix.system' in str(error.value)


def test_checkpoint_of_another_model_is_refused(repo_root,
                                                load_script, random_teacher):
    # Figures for weights that did not load would describe another model.
    teacher_file = random_teacher
    tool = load_script(TOOL)
    with pytest.raises(RuntimeError, match='do not match exactly'):
        tool.main([
            osp.join(repo_root, DSAD_CONFIG), '--teacher-ckpt', teacher_file,
            '--checkpoint', teacher_file, '--batches', '1'
        ])


def test_an_earlier_json_is_not_replaced(
        repo_root, tmp_path, capsys, load_script):
    earlier = tmp_path / 'gradients.json'
    earlier.write_text('{}')
    with pytest.raises(SystemExit):
        load_script(TOOL).parse_args(
            [DSAD_CONFIG, '--json-out', str(earlier)])
    assert 'exists' in capsys.readouterr().err
    assert earlier.read_text() == '{}'
