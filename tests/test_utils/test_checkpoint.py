import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.runner import load_checkpoint

from mmdsad.utils import (
    UnsafeCheckpointError,
    load_checkpoint_file,
    trust_checkpoint_dir,
)


class Unpicklable:
    """Stands for mmengine's HistoryBuffer in a full checkpoint."""


def full_checkpoint(path, state_dict):
    torch.save(
        dict(
            state_dict=state_dict,
            meta=dict(seed=np.int64(3)),
            message_hub=Unpicklable()), path)


def test_weights_only_file_loads(tmp_path):
    path = str(tmp_path / 'w.pth')
    torch.save(dict(state_dict=dict(w=torch.ones(2))), path)
    assert torch.equal(load_checkpoint_file(path)['state_dict']['w'],
                       torch.ones(2))


def test_full_checkpoint_is_refused_with_the_conversion_command(tmp_path):
    path = str(tmp_path / 'full.pth')
    full_checkpoint(path, dict(w=torch.ones(2)))
    with pytest.raises(UnsafeCheckpointError) as error:
        load_checkpoint_file(path)
    assert path in str(error.value)
    assert 'tools/model_converters/to_weights_only.py' in str(error.value)


def test_trusted_work_dir_loads_full_checkpoints(tmp_path):
    run_dir = tmp_path / 'run'
    run_dir.mkdir()
    path = str(run_dir / 'iter_1.pth')
    full_checkpoint(path, dict(w=torch.ones(2)))
    trust_checkpoint_dir(str(run_dir))
    assert 'message_hub' in load_checkpoint_file(path)
    # A sibling directory is not trusted just because its name starts alike.
    other = tmp_path / 'run_other'
    other.mkdir()
    full_checkpoint(str(other / 'x.pth'), dict(w=torch.ones(2)))
    with pytest.raises(UnsafeCheckpointError):
        load_checkpoint_file(str(other / 'x.pth'))


def test_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        load_checkpoint_file(str(tmp_path / 'nope.pth'))


def test_mmengine_load_checkpoint_goes_through_safe_loader(tmp_path):
    model = torch.nn.Linear(2, 1)
    path = str(tmp_path / 'full.pth')
    full_checkpoint(path, model.state_dict())
    with pytest.raises(UnsafeCheckpointError):
        load_checkpoint(model, path)
    safe = str(tmp_path / 'safe.pth')
    torch.save(dict(state_dict={'weight': torch.zeros(1, 2),
                                'bias': torch.zeros(1)}), safe)
    load_checkpoint(model, safe)
    assert torch.equal(model.weight, torch.zeros(1, 2))
    assert osp.isfile(safe)
