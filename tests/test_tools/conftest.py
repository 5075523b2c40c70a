"""Fixtures of the tool tests: run a script as a user would, or import it."""
import importlib.util
import os.path as osp
import subprocess
import sys

import pytest


@pytest.fixture(scope='session')
def script_process(repo_root):
    """Runs ``python <script> <args>`` from the repository root and returns
    the ``CompletedProcess`` (output captured as text), failed or not."""

    def run(script: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, script, *args],
                              cwd=repo_root,
                              capture_output=True,
                              text=True)

    return run


@pytest.fixture(scope='session')
def run_script(script_process):
    """Runs ``python <script> <args>`` from the repository root, asserts it
    succeeded (else shows the end of its output) and returns its stdout."""

    def run(script: str, *args: str) -> str:
        result = script_process(script, *args)
        assert result.returncode == 0, (result.stdout[-3000:] +
                                        result.stderr[-3000:])
        return result.stdout

    return run


@pytest.fixture(scope='session')
def load_script(repo_root):
    """Imports a script of the repository (e.g. ``tools/...py``) as a
    module, to call its functions."""

    def load(script: str):
        name = osp.splitext(osp.basename(script))[0]
        spec = importlib.util.spec_from_file_location(
            name, osp.join(repo_root, script))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load


@pytest.fixture(scope='session')
def assert_rerun_reuses(run_script):
    """Asserts that running ``python <script> <args>`` again reprints the
    first run's table (its output from ``| variant`` on) without touching
    ``log``, a file of a finished run: ``(script, args, printed, log)``."""

    def check(script: str, args: list, printed: str, log) -> None:
        before = log.stat().st_mtime_ns
        table = printed[printed.index('| variant'):]
        assert run_script(script, *args).endswith(table)
        assert log.stat().st_mtime_ns == before

    return check


@pytest.fixture(scope='session')
def small_loaders():
    """``--cfg-options`` entries that make a run of the repository's SIRST
    loaders cheap: 32x32 crops of batch 1 and no loader workers (pipeline
    steps 2-4 of configs/_base_/datasets/sirst_common.py: resize, crop,
    pad), so that several tool runs fit in a test on 2 CPU cores."""
    return [
        'train_dataloader.batch_size=1', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'train_dataloader.dataset.pipeline.2.scale=(32,32)',
        'train_dataloader.dataset.pipeline.3.crop_size=(32,32)',
        'train_dataloader.dataset.pipeline.4.size=(32,32)',
        'val_dataloader.num_workers=0',
        'val_dataloader.persistent_workers=False',
        'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False'
    ]
