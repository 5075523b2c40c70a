"""OpenVINOBackend: a shape runs the dynamic model until that has spent
STATIC_AFTER_SECONDS on it, then compiles once as a static model with the
same output; only the most recent shapes stay compiled."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config

from mmdsad.apis import export_onnx
from mmdsad.apis.backends import openvino_backend
from mmdsad.apis.backends.openvino_backend import OpenVINOBackend

from ..small_network import SmallNetwork

# Only the preprocessor's mean and stride are read from it.
CONFIG = 'configs/dnanet/dnanet_num4_nudt.py'


@pytest.fixture(scope='module')
def exported(tmp_path_factory):
    network = SmallNetwork().eval()
    path = str(tmp_path_factory.mktemp('ov') / 'net.onnx')
    export_onnx(network, path)
    return network, path


def images(batch, height, width):
    rng = np.random.default_rng(height * width + batch)
    return (rng.random((batch, 3, height, width)) * 255).astype(np.float32)


@pytest.fixture
def compile_on_second_batch(monkeypatch):
    """Any time on the dynamic model is enough: a shape compiles on its
    second batch, whatever the machine's speed."""
    monkeypatch.setattr(openvino_backend, 'STATIC_AFTER_SECONDS', 0.0)


def test_a_repeated_shape_compiles_once_and_matches_pytorch(
        repo_root, exported, compile_on_second_batch):
    network, path = exported
    backend = OpenVINOBackend(path, Config.fromfile(osp.join(repo_root,
                                                             CONFIG)),
                              threads=1)
    assert backend.precision == 'f32'
    shapes = [(1, 3, 32, 32), (2, 3, 32, 48), (1, 3, 32, 32), (1, 3, 32, 32)]
    for shape in shapes:
        batch = images(*(shape[:1] + shape[2:]))
        with torch.no_grad():
            expected = network(torch.from_numpy(batch)).numpy()
        np.testing.assert_allclose(backend.run(batch), expected, atol=1e-6)
    # Only the shape seen again was compiled; the other is remembered.
    assert list(backend.requests) == [(1, 3, 32, 32)]
    assert list(backend.sighted) == [(2, 3, 32, 48)]


def test_a_shape_stays_dynamic_until_its_time_is_spent(
        repo_root, exported, monkeypatch):
    monkeypatch.setattr(openvino_backend, 'STATIC_AFTER_SECONDS',
                        float('inf'))
    backend = OpenVINOBackend(exported[1],
                              Config.fromfile(osp.join(repo_root, CONFIG)))
    for _ in range(3):
        backend.run(images(1, 32, 32))
    assert not backend.requests and backend.sighted[(1, 3, 32, 32)] > 0


def test_least_recently_used_shape_is_dropped(repo_root, exported,
                                              monkeypatch,
                                              compile_on_second_batch):
    monkeypatch.setattr(openvino_backend, 'MAX_COMPILED_SHAPES', 2)
    monkeypatch.setattr(openvino_backend, 'MAX_SIGHTED_SHAPES', 2)
    backend = OpenVINOBackend(exported[1],
                              Config.fromfile(osp.join(repo_root, CONFIG)))
    for size in (16, 32, 48):
        backend.run(images(1, size, size))
        backend.run(images(1, size, size))
    assert list(backend.requests) == [(1, 3, 32, 32), (1, 3, 48, 48)]
    for size in (8, 24, 40):
        backend.run(images(1, size, size))
    assert list(backend.sighted) == [(1, 3, 24, 24), (1, 3, 40, 40)]


class RefusingCore:
    """What OpenVINO 2026.4 does with our QDQ files at static shapes."""

    def __init__(self):
        self.calls = 0

    def compile_model(self, *args):
        self.calls += 1
        raise RuntimeError("Exception from src/core/pass.cpp:298:\n"
                           "index '0' out of range\n\n")


def test_a_file_that_does_not_compile_statically_runs_dynamic(
        repo_root, exported, recwarn, compile_on_second_batch):
    network, path = exported
    backend = OpenVINOBackend(path, Config.fromfile(osp.join(repo_root,
                                                             CONFIG)))
    backend.core = RefusingCore()
    batch = images(1, 32, 32)
    with torch.no_grad():
        expected = network(torch.from_numpy(batch)).numpy()
    np.testing.assert_allclose(backend.run(batch), expected, atol=1e-6)
    assert backend.core.calls == 0
    with pytest.warns(UserWarning, match=r"static shape \(1, 3, 32, 32\) "
                      r"\(index '0' out of range\); running its dynamic"):
        actual = backend.run(batch)
    np.testing.assert_allclose(actual, expected, atol=1e-6)
    # The failure is the file's: no other shape tries again, or warns.
    recwarn.clear()
    for _ in range(2):
        backend.run(images(1, 48, 48))
    assert backend.core.calls == 1 and not recwarn.list


def test_a_known_shape_compiles_before_its_first_batch(repo_root, exported):
    network, path = exported
    backend = OpenVINOBackend(path, Config.fromfile(osp.join(repo_root,
                                                             CONFIG)))
    assert backend.compile_static((1, 3, 32, 32))
    batch = images(1, 32, 32)
    with torch.no_grad():
        expected = network(torch.from_numpy(batch)).numpy()
    np.testing.assert_allclose(backend.run(batch), expected, atol=1e-6)
    assert list(backend.requests) == [(1, 3, 32, 32)] and not backend.sighted
    backend.core = RefusingCore()
    with pytest.warns(UserWarning, match='dynamic model for every shape'):
        assert not backend.compile_static((1, 3, 48, 48))
    assert backend.core.calls == 1
