"""mmdsad_experiments.scalars: mmengine's vis_data/scalars.json records."""
import json

import pytest

from mmdsad_experiments.scalars import (
    mean_time,
    read_scalars,
    training_scalars,
)


def write_scalars(run_dir, timestamp, lines):
    path = run_dir / timestamp / 'vis_data' / 'scalars.json'
    path.parent.mkdir(parents=True)
    path.write_text(''.join(line + '\n' for line in lines))
    return str(path)


def train(k, time):
    return json.dumps(dict(lr=0.05, time=time, data_time=0.1, iter=k, step=k))


def test_the_newest_training_is_read(tmp_path):
    write_scalars(tmp_path, '20261123_150000', [train(1, 5.0)])
    newest = write_scalars(tmp_path, '20261123_160000',
                           [train(1, 4.0), '', '{"IoU": 2.0, "step": 2}',
                            train(2, 2.0), train(3, 3.0)])
    # A test's folder after it, without training records.
    write_scalars(tmp_path, '20261123_170000', ['{"time": 9.0, "step": 0}'])
    path, records = training_scalars(str(tmp_path))
    assert path == newest and [r['iter'] for r in records] == [1, 2, 3]
    assert mean_time(path, records) == pytest.approx(2.5)
    assert mean_time(path, records[:1]) == pytest.approx(4.0)


def test_no_training_record_names_the_files_and_the_causes(tmp_path):
    write_scalars(tmp_path, '20261123_150000', ['{"IoU": 2.0, "step": 2}'])
    with pytest.raises(FileNotFoundError) as error:
        training_scalars(str(tmp_path))
    message = str(error.value)
    assert str(tmp_path) in message and 'vis_data/scalars.json' in message
    assert 'logger.interval' in message and 'LocalVisBackend' in message


def test_bad_lines_and_untimed_records_are_named(tmp_path):
    path = write_scalars(tmp_path, 'a', [train(1, 1.0), 'Iter(train) [2/2]'])
    with pytest.raises(ValueError, match=f'{path} line 2 is not JSON'):
        read_scalars(path)
    path = write_scalars(tmp_path, 'b', ['[1, 2]'])
    with pytest.raises(ValueError, match='line 1 is not a JSON object'):
        read_scalars(path)
    with pytest.raises(ValueError, match=r'iterations \[2\] have no "time"'):
        mean_time(path, [dict(iter=1, time=1.0), dict(iter=2)])
