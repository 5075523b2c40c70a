import os

import numpy as np
import pytest
import torch

from mmdsad.utils.weights_only import (
    convert_to_weights_only,
    plain_metadata,
    save_weights_only,
)


class Opaque:
    """An object weights-only loading refuses."""


def write_full(path):
    torch.save(
        dict(
            state_dict={
                'architecture.backbone.w': torch.ones(3),
                'architecture.head.b': torch.zeros(1),
                'teacher.backbone.w': torch.ones(12),
            },
            meta=dict(epoch=np.int64(5), hub=Opaque(), name='run'),
            optimizer=dict(state=Opaque())), path)


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
