import json
import sys
import threading

import pytest

from mmdsad_experiments.tool_runs import (
    SWEEP_KEY,
    SWEEP_THRESHOLDS,
    ToolRunError,
    add_sweep_mean,
    last_checkpoint,
    run_logged,
    sweep_option,
)

FAKE_TRAINING = ('import sys\n'
                 'for k in (25, 50):\n'
                 '    print(f"INFO - Iter(train) [{k:3d}/50]  lr: 0.05")\n'
                 'print("done")\n'
                 'sys.exit(int(sys.argv[1]))\n')


def test_run_logged_writes_the_whole_output_to_the_log(tmp_path):
    log = tmp_path / 'logs' / 'train.log'
    run_logged([sys.executable, '-c', FAKE_TRAINING, '0'], str(log), 'fake')
    text = log.read_text()
    assert text.startswith('$ ')
    assert 'Iter(train) [ 50/50]' in text and 'done' in text


def test_run_logged_failure_names_the_log_and_quotes_its_tail(tmp_path):
    log = tmp_path / 'train.log'
    with pytest.raises(ToolRunError) as error:
        run_logged([sys.executable, '-c', FAKE_TRAINING, '3'], str(log),
                   'fake')
    assert str(log) in str(error.value)
    assert 'status 3' in str(error.value) and 'done' in str(error.value)


def test_run_logged_stops_when_another_run_failed(tmp_path):
    # Prints forever; the event is already set, so its first line ends it.
    endless = 'import itertools\nfor i in itertools.count(): print(i)\n'
    stop = threading.Event()
    stop.set()
    with pytest.raises(ToolRunError, match='was stopped'):
        run_logged([sys.executable, '-c', endless], str(tmp_path / 'x.log'),
                   'endless', stop=stop)


def test_last_checkpoint_is_the_newest(tmp_path):
    with pytest.raises(FileNotFoundError, match='no checkpoint'):
        last_checkpoint(str(tmp_path))
    newest = tmp_path / 'iter_200.pth'
    for name in ('iter_200.pth', 'iter_30.pth', 'best_IoU_iter_400.pth'):
        (tmp_path / name).write_bytes(b'')
    assert last_checkpoint(str(tmp_path)) == str(newest)


def test_sweep_option_and_mean():
    assert sweep_option().startswith('test_evaluator.thresholds=[0.05,0.1,')
    assert len(SWEEP_THRESHOLDS) == 19 and SWEEP_THRESHOLDS[-1] == 0.95
    metrics = {f'IoU@{t:.2f}': 100 * t for t in SWEEP_THRESHOLDS}
    assert add_sweep_mean(metrics)[SWEEP_KEY] == pytest.approx(50.0)
    json.dumps(metrics)
