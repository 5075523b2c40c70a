"""mmdsad_experiments.study_runs: launcher commands and iteration times."""
import sys

import pytest

from mmdsad_experiments import study_runs
from mmdsad_experiments.study_runs import (
    StudyRun,
    StudySettings,
    mean_iteration_time,
    tool_command,
)
from mmdsad_experiments.tool_runs import ToolRunError


def test_no_launcher_runs_the_tool_directly():
    assert tool_command('tools/train.py', StudySettings('w')) == [
        sys.executable, 'tools/train.py'
    ]


def test_pytorch_launcher_starts_the_tool_under_torchrun():
    command = tool_command('tools/train.py',
                           StudySettings('w', launcher='pytorch', nproc=2))
    assert command[1:3] == ['-m', 'torch.distributed.run']
    assert '--nproc_per_node=2' in command
    assert command[-3:] == ['tools/train.py', '--launcher', 'pytorch']


def test_unknown_launcher_is_refused():
    with pytest.raises(ValueError, match='launcher must be one of'):
        tool_command('tools/train.py', StudySettings('w', launcher='slurm'))


def test_iteration_time_leaves_out_the_first_logged_value(tmp_path):
    log = tmp_path / 'train.log'
    log.write_text(
        '11/23 15:00:00 - mmengine - INFO - Iter(train) [1/3]  lr: 5e-02  '
        'eta: 0:00:02  time: 9.0000  data_time: 1.0  loss: 1.0\n'
        'some other line with time: 100.0\n'
        '11/23 15:00:01 - mmengine - INFO - Iter(train) [2/3]  lr: 5e-02  '
        'eta: 0:00:01  time: 1.0000  data_time: 0.1  loss: 1.0\n'
        '11/23 15:00:02 - mmengine - INFO - Iter(train) [3/3]  lr: 5e-02  '
        'eta: 0:00:00  time: 2.0000  data_time: 0.1  loss: 1.0\n')
    assert mean_iteration_time(str(log)) == pytest.approx(1.5)


def test_a_log_without_iteration_lines_has_no_time(tmp_path):
    log = tmp_path / 'train.log'
    log.write_text('Iter(val) [1/2] time: 3.0\n')
    assert mean_iteration_time(str(log)) is None


def fake_train_and_test(run, settings, progress=None):
    if run.name == 'diverges':
        raise ToolRunError(f'{run.name} exited with status 1')
    return {'IoU': float(run.seed)}


def test_failed_runs_raise_or_are_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(study_runs, 'train_and_test', fake_train_and_test)
    runs = [
        StudyRun('fine', 'c.py', [], 1),
        StudyRun('diverges', 'c.py', [], 1)
    ]
    settings = StudySettings(work_dir=str(tmp_path))
    with pytest.raises(ToolRunError, match='diverges seed 1'):
        study_runs.run_study(runs, settings)
    failed = {}
    results = study_runs.run_study(runs, settings, failed=failed)
    assert results == {'fine': {1: {'IoU': 1.0}}}
    assert list(failed) == ['diverges seed 1']
    assert 'status 1' in failed['diverges seed 1']
