"""AtomicCheckpointHook: a valid checkpoint exists at every moment."""
import os
import os.path as osp

import pytest
import torch
from mmengine.fileio.backends import LocalBackend
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch.utils.data import Dataset

from mmdsad.engine.hooks import AtomicCheckpointHook
from mmdsad.utils import load_checkpoint_file


class TinyModel(BaseModel):

    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(1, 1)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        out = self.linear(inputs)
        if mode == 'loss':
            return dict(loss=out.pow(2).mean())
        return out


class Ones(Dataset):

    def __len__(self):
        return 4

    def __getitem__(self, index):
        return dict(inputs=torch.ones(1))


def runner_for(work_dir, max_iters, resume=False):
    return Runner(
        model=TinyModel(),
        work_dir=str(work_dir),
        train_dataloader=dict(
            dataset=Ones(),
            sampler=dict(type='InfiniteSampler', shuffle=False),
            batch_size=2,
            collate_fn=dict(type='default_collate'),
            num_workers=0),
        train_cfg=dict(by_epoch=False, max_iters=max_iters),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
        default_hooks=dict(
            checkpoint=dict(
                type='mmseg.AtomicCheckpointHook',
                by_epoch=False,
                interval=1,
                max_keep_ckpts=1)),
        resume=resume,
        default_scope='mmseg')


def test_keeps_one_checkpoint_and_resumes(tmp_path):
    runner_for(tmp_path, max_iters=3).train()
    names = sorted(n for n in os.listdir(tmp_path) if n.endswith('.pth'))
    assert names == ['iter_3.pth']
    assert not [n for n in os.listdir(tmp_path) if n.endswith('.tmp')]
    assert load_checkpoint_file(str(tmp_path / 'iter_3.pth'))['meta'][
        'iter'] == 3


def test_a_save_killed_midway_leaves_the_previous_checkpoint(
        tmp_path, monkeypatch):
    runner_for(tmp_path, max_iters=2).train()
    before = (tmp_path / 'iter_2.pth').read_bytes()

    # The next save dies after writing half a file, as a kill would.
    def dies_midway(self, obj, path):
        with open(path, 'wb') as f:
            f.write(obj[:len(obj) // 2])
        raise KeyboardInterrupt('killed while writing')

    monkeypatch.setattr(LocalBackend, 'put', dies_midway)
    runner = runner_for(tmp_path, max_iters=3, resume=True)
    with pytest.raises(KeyboardInterrupt):
        runner.train()
    monkeypatch.undo()
    # The old checkpoint is whole and still the one to resume from.
    assert (tmp_path / 'iter_2.pth').read_bytes() == before
    assert not (tmp_path / 'iter_3.pth').exists()
    assert not [n for n in os.listdir(tmp_path) if n.endswith('.tmp')]
    latest = open(tmp_path / 'last_checkpoint').read().strip()
    assert osp.basename(latest) == 'iter_2.pth'
    resumed = runner_for(tmp_path, max_iters=3, resume=True)
    resumed.train()
    assert resumed.iter == 3
    assert sorted(n for n in os.listdir(tmp_path)
                  if n.endswith('.pth')) == ['iter_3.pth']


def test_is_registered_for_configs():
    from mmseg.registry import HOOKS
    assert HOOKS.get('AtomicCheckpointHook') is AtomicCheckpointHook
