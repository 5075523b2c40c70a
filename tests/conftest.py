"""Shared fixtures. Importing mmdsad registers every component."""
import os.path as osp

import pytest
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

import mmdsad  # noqa: F401

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
SHARED_DATASETS = osp.join(REPO_ROOT, '..', 'shared', 'datasets')


@pytest.fixture(scope='session')
def repo_root() -> str:
    """Absolute path of the repository root."""
    return REPO_ROOT


@pytest.fixture
def labelled_batch():
    """Makes raw batches as a dataloader gives them: random uint8 images
    with one 3x3 target at (10, 14), ``(size=32, num=2) -> dict``."""

    def make(size: int = 32, num: int = 2) -> dict:
        inputs, samples = [], []
        for _ in range(num):
            inputs.append(
                torch.randint(0, 255, (3, size, size), dtype=torch.uint8))
            mask = torch.zeros(1, size, size, dtype=torch.long)
            mask[0, 10:13, 14:17] = 1
            sample = SegDataSample(
                metainfo=dict(img_shape=(size, size), ori_shape=(size, size)))
            sample.gt_sem_seg = PixelData(data=mask)
            samples.append(sample)
        return dict(inputs=inputs, data_samples=samples)

    return make
