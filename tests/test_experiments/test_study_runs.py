"""mmdsad_experiments.study_runs: launcher commands and iteration times."""
import json
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


def write_scalars(run_dir, timestamp, records):
    """A fake ``<run_dir>/<timestamp>/vis_data/scalars.json``."""
    path = run_dir / timestamp / 'vis_data' / 'scalars.json'
    path.parent.mkdir(parents=True)
    path.write_text(''.join(json.dumps(r) + '\n' for r in records))


def test_iteration_time_leaves_out_the_first_logged_value(tmp_path):
    write_scalars(tmp_path, '20261123_150000', [
        dict(lr=0.05, data_time=1.0, loss=1.0, time=9.0, iter=1, step=1),
        dict(IoU=3.0, data_time=0.1, time=100.0, step=1),
        dict(lr=0.05, data_time=0.1, loss=1.0, time=1.0, iter=2, step=2),
        dict(lr=0.05, data_time=0.1, loss=1.0, time=2.0, iter=3, step=3),
    ])
    # The test's folder comes later and has no training records.
    write_scalars(tmp_path, '20261123_150100', [dict(time=7.0, step=0)])
    assert mean_iteration_time(str(tmp_path)) == pytest.approx(1.5)


def test_a_run_without_training_records_has_no_time(tmp_path):
    assert mean_iteration_time(str(tmp_path)) is None
    write_scalars(tmp_path, '20261123_150000', [dict(IoU=3.0, time=3.0)])
    assert mean_iteration_time(str(tmp_path)) is None


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
