import os
import stat

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer

from mmdsad.utils import UnsafeCheckpointError
from mmdsad.utils.weights_only import (
    convert_to_weights_only,
    plain_metadata,
    save_weights_only,
)


class Opaque:
    """An object weights-only loading refuses."""


def write_full(path):
    """A distillation training checkpoint as mmengine writes one."""
    torch.save(
        dict(
            state_dict={
                'architecture.backbone.w': torch.ones(3),
                'architecture.head.b': torch.zeros(1),
                'teacher.backbone.w': torch.ones(12),
            },
            meta=dict(epoch=np.int64(5), hub=HistoryBuffer(), name='run'),
            message_hub=dict(log_scalars={'loss': HistoryBuffer()}),
            optimizer=dict(state={0: dict(step=torch.tensor(1.))})), path)


def test_plain_metadata_keeps_plain_values():
    meta = dict(a=np.float32(1.5), b=[1, 'x', Opaque()], c=Opaque())
    assert plain_metadata(meta) == dict(a=1.5, b=[1, 'x', None])


def test_convert_full_checkpoint(tmp_path):
    src, dst = str(tmp_path / 'full.pth'), str(tmp_path / 'out' / 'w.pth')
    write_full(src)
    summary = convert_to_weights_only(src, dst)
    loaded = torch.load(dst, weights_only=True)
    assert summary['num_tensors'] == 3
    assert loaded['meta']['epoch'] == 5
    assert loaded['meta']['converted_from'] == 'full.pth'
    assert 'hub' not in loaded['meta']


def test_strip_prefix_extracts_the_student(tmp_path):
    src, dst = str(tmp_path / 'full.pth'), str(tmp_path / 'student.pth')
    write_full(src)
    convert_to_weights_only(src, dst, strip_prefix='architecture.')
    state = torch.load(dst, weights_only=True)['state_dict']
    assert set(state) == {'backbone.w', 'head.b'}


def test_unknown_prefix_is_an_error_and_writes_nothing(tmp_path):
    src, dst = str(tmp_path / 'full.pth'), str(tmp_path / 'x.pth')
    write_full(src)
    with pytest.raises(KeyError, match='student.'):
        convert_to_weights_only(src, dst, strip_prefix='student.')
    assert not os.path.exists(dst)


def test_failed_save_leaves_no_partial_file(tmp_path, monkeypatch):
    dst = tmp_path / 'w.pth'

    def broken_save(obj, path):
        with open(path, 'wb') as f:
            f.write(b'half')
        raise OSError('disk full')

    monkeypatch.setattr(torch, 'save', broken_save)
    with pytest.raises(OSError, match='disk full'):
        save_weights_only({'w': torch.ones(1)}, {}, str(dst))
    assert os.listdir(tmp_path) == []


def test_missing_source_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='gone.pth'):
        convert_to_weights_only(str(tmp_path / 'gone.pth'),
                                str(tmp_path / 'o.pth'))


def test_source_is_never_replaced(tmp_path):
    src = str(tmp_path / 'full.pth')
    write_full(src)
    before = open(src, 'rb').read()
    with pytest.raises(FileExistsError, match='being converted'):
        convert_to_weights_only(src, src, overwrite=True)
    assert open(src, 'rb').read() == before


def test_existing_output_needs_overwrite(tmp_path):
    src, dst = str(tmp_path / 'full.pth'), tmp_path / 'w.pth'
    write_full(src)
    dst.write_bytes(b'earlier result')
    with pytest.raises(FileExistsError, match='--overwrite'):
        convert_to_weights_only(src, str(dst))
    assert dst.read_bytes() == b'earlier result'
    convert_to_weights_only(src, str(dst), overwrite=True)
    assert torch.load(dst, weights_only=True)['meta']['name'] == 'run'


def test_output_gets_the_umask_mode_not_mkstemp_0600(tmp_path):
    src, dst = str(tmp_path / 'full.pth'), tmp_path / 'w.pth'
    write_full(src)
    umask = os.umask(0o022)
    try:
        convert_to_weights_only(src, str(dst))
    finally:
        os.umask(umask)
    assert stat.S_IMODE(dst.stat().st_mode) == 0o644


def test_malicious_source_is_refused_by_name(malicious_checkpoint, tmp_path):
    src, marker = malicious_checkpoint
    dst = tmp_path / 'out.pth'
    with pytest.raises(UnsafeCheckpointError) as error:
        convert_to_weights_only(src, str(dst))
    assert not marker.exists() and not dst.exists()
    assert 'posix.system' in str(error.value) and src in str(error.value)
    assert '--unsafe-allow-code-execution' in str(error.value)


def test_full_unpickling_only_behind_the_explicit_flag(
        malicious_checkpoint, tmp_path):
    src, marker = malicious_checkpoint
    with pytest.warns(UserWarning, match='any code it holds runs'):
        convert_to_weights_only(
            src, str(tmp_path / 'out.pth'), allow_code_execution=True)
    # What the flag's name says: the file's code ran.
    assert marker.exists()
