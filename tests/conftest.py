"""Shared fixtures. Importing mmdsad registers every component."""
import os.path as osp

import pytest

import mmdsad  # noqa: F401

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
SHARED_DATASETS = osp.join(REPO_ROOT, '..', 'shared', 'datasets')


@pytest.fixture(scope='session')
def repo_root() -> str:
    """Absolute path of the repository root."""
    return REPO_ROOT
