"""Every checkpoint load is weights-only: local files, URLs, URL names."""
import functools
import http.server
import os.path as osp
import pickle
import threading

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner import checkpoint as mmengine_checkpoint
from mmengine.runner import load_checkpoint
from mmengine.runner.checkpoint import CheckpointLoader

from mmdsad.utils import (
    CheckpointReadError,
    UnsafeCheckpointError,
    load_checkpoint_file,
    register_safe_checkpoint_loader,
)
from mmdsad.utils.checkpoint import _restricted_getattr


def training_checkpoint(path, state_dict):
    """What mmengine's CheckpointHook writes: numpy values in the meta, the
    message hub's HistoryBuffers, optimizer state."""
    buffer = HistoryBuffer()
    buffer.update(0.5)
    torch.save(
        dict(
            state_dict=state_dict,
            meta=dict(
                seed=np.int64(3),
                lr=np.float32(0.05),
                dtype=np.dtype('float32'),
                shape=np.zeros((2, 3)),
                dtype_class=type(np.dtype('int64'))),
            message_hub=dict(log_scalars={'train/loss': buffer}),
            optimizer=dict(state={0: dict(step=torch.tensor(3.))})), path)


@pytest.fixture
def served(tmp_path, monkeypatch):
    """Serves ``tmp_path/www`` on loopback; torch's hub cache in tmp_path.
    Returns the base URL."""
    root = tmp_path / 'www'
    root.mkdir()
    monkeypatch.setattr(torch.hub, '_hub_dir', str(tmp_path / 'hub'))
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f'http://127.0.0.1:{server.server_address[1]}', root
    server.shutdown()


def test_weights_only_file_loads(tmp_path):
    path = str(tmp_path / 'w.pth')
    torch.save(dict(state_dict=dict(w=torch.ones(2))), path)
    assert torch.equal(load_checkpoint_file(path)['state_dict']['w'],
                       torch.ones(2))


def test_training_checkpoint_loads_weights_only_from_anywhere(tmp_path):
    # No folder is trusted: a run's own checkpoint and a copy of it
    # elsewhere load the same way, weights-only.
    (tmp_path / 'downloads').mkdir()
    path = str(tmp_path / 'downloads' / 'iter_1.pth')
    training_checkpoint(path, dict(w=torch.ones(2)))
    loaded = load_checkpoint_file(path)
    assert loaded['meta']['seed'] == 3
    buffer = loaded['message_hub']['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer) and buffer.current() == 0.5


def test_malicious_file_is_refused_before_it_runs(malicious_checkpoint):
    path, marker = malicious_checkpoint
    with pytest.raises(UnsafeCheckpointError) as error:
        load_checkpoint_file(path)
    assert not marker.exists()
    message = str(error.value)
    assert path in message and 'posix.system' in message
    assert 'tools/model_converters/to_weights_only.py' in message


def test_mmengine_load_checkpoint_goes_through_the_safe_loader(
        tmp_path, malicious_checkpoint):
    path, marker = malicious_checkpoint
    model = torch.nn.Linear(2, 1)
    with pytest.raises(UnsafeCheckpointError):
        load_checkpoint(model, path)
    assert not marker.exists()
    safe = str(tmp_path / 'safe.pth')
    torch.save(
        dict(state_dict={
            'weight': torch.zeros(1, 2),
            'bias': torch.zeros(1)
        }), safe)
    load_checkpoint(model, safe)
    assert torch.equal(model.weight, torch.zeros(1, 2))


def test_url_checkpoint_is_downloaded_and_loaded_weights_only(
        served, tmp_path):
    base, root = served
    torch.save(dict(state_dict=dict(w=torch.ones(2))), root / 'good.pth')
    loaded = CheckpointLoader.load_checkpoint(f'{base}/good.pth')
    assert torch.equal(loaded['state_dict']['w'], torch.ones(2))


def test_malicious_url_is_refused_before_it_runs(served,
                                                 malicious_checkpoint):
    base, root = served
    path, marker = malicious_checkpoint
    (root / 'evil.pth').write_bytes(open(path, 'rb').read())
    with pytest.raises(UnsafeCheckpointError) as error:
        CheckpointLoader.load_checkpoint(f'{base}/evil.pth')
    assert not marker.exists()
    assert f'{base}/evil.pth' in str(error.value)
    assert 'posix.system' in str(error.value)


@pytest.mark.parametrize('scheme, registry', [
    ('open-mmlab://', 'get_external_models'),
    ('openmmlab://', 'get_external_models'),
    ('torchvision://', 'get_torchvision_models'),
    ('modelzoo://', 'get_torchvision_models'),
    ('mmcls://', 'get_mmcls_models'),
])
def test_names_that_resolve_to_urls_are_refused_too(
        served, malicious_checkpoint, monkeypatch, scheme, registry):
    base, root = served
    path, marker = malicious_checkpoint
    (root / 'evil.pth').write_bytes(open(path, 'rb').read())
    monkeypatch.setattr(mmengine_checkpoint, registry,
                        lambda: dict(evil=f'{base}/evil.pth'))
    with pytest.raises(UnsafeCheckpointError, match='posix.system'):
        CheckpointLoader.load_checkpoint(f'{scheme}evil')
    assert not marker.exists()


def test_a_scheme_registered_by_another_package_is_replaced(monkeypatch):
    calls = []
    monkeypatch.setattr(CheckpointLoader, '_schemes',
                        dict(CheckpointLoader._schemes))
    CheckpointLoader.register_scheme(
        'other://', loader=lambda *args: calls.append(args), force=True)
    register_safe_checkpoint_loader()
    with pytest.raises(UnsafeCheckpointError, match='local path'):
        CheckpointLoader.load_checkpoint('other://model.pth')
    assert calls == []


@pytest.mark.parametrize('content', [b'', b'PK\x03\x04 half a zip'])
def test_empty_or_truncated_file_is_named(tmp_path, content):
    path = tmp_path / 'broken.pth'
    path.write_bytes(content)
    with pytest.raises(CheckpointReadError, match='broken.pth'):
        load_checkpoint_file(str(path))


def test_truncated_real_checkpoint_is_named(tmp_path):
    path = tmp_path / 'cut.pth'
    torch.save(dict(state_dict=dict(w=torch.ones(1000))), path)
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])
    with pytest.raises(CheckpointReadError, match='cut.pth'):
        load_checkpoint_file(str(path))


def test_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        load_checkpoint_file(str(tmp_path / 'nope.pth'))


@pytest.mark.parametrize('owner, name', [
    (np, 'float32'),
    (np.dtypes, 'Float32DType'),
    (HistoryBuffer, 'mean'),
])
def test_restricted_getattr_answers_what_checkpoints_use(owner, name):
    assert _restricted_getattr(owner, name) is getattr(owner, name)


@pytest.mark.parametrize('owner, name', [
    (HistoryBuffer.__init__, '__globals__'),
    (osp, 'join'),
    (np, '__builtins__'),
    (np.ndarray, '__reduce__'),
    (HistoryBuffer, '__init__'),
])
def test_restricted_getattr_refuses_anything_else(owner, name):
    with pytest.raises(pickle.UnpicklingError, match='refused getattr'):
        _restricted_getattr(owner, name)
