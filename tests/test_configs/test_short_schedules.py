"""The demo's and the CPU study protocol's short schedules."""
import os.path as osp

import pytest
from mmengine.config import Config

DEMO = {
    'teacher': 'configs/demo/dnanet_num16_synthetic.py',
    'student': 'configs/demo/dnanet_num4_synthetic.py',
    'dsad': 'configs/demo/dsad_dnanet_num16_num4_synthetic.py',
}
CPU_PROTOCOL = {
    'teacher': 'configs/cpu_protocol/dnanet_num16_nudt_cpu.py',
    'student': 'configs/cpu_protocol/dnanet_num4_nudt_cpu.py',
    'dsad': 'configs/cpu_protocol/dsad_dnanet_num16_num4_nudt_cpu.py',
    'amfunet student': 'configs/cpu_protocol/amfunet_num4_nudt_cpu.py',
}


def load(repo_root, configs):
    return {
        role: Config.fromfile(osp.join(repo_root, path))
        for role, path in configs.items()
    }


@pytest.mark.parametrize('configs', [DEMO, CPU_PROTOCOL])
def test_lr_warms_up_then_anneals_to_the_end(repo_root, configs):
    for role, cfg in load(repo_root, configs).items():
        warmup, cosine = cfg.param_scheduler
        assert warmup.type == 'LinearLR' and warmup.begin == 0, role
        assert cosine.type == 'CosineAnnealingLR', role
        assert cosine.begin == warmup.end, role
        assert cosine.end == cfg.train_cfg.max_iters, role
        assert cosine.T_max == cosine.end - cosine.begin, role
        assert cfg.default_hooks.checkpoint.interval == (
            cfg.train_cfg.max_iters), role


@pytest.mark.parametrize('configs', [DEMO, CPU_PROTOCOL])
def test_teacher_trains_longer_than_both_students(repo_root, configs):
    cfgs = load(repo_root, configs)
    student_iters = cfgs['student'].train_cfg.max_iters
    assert cfgs['dsad'].train_cfg.max_iters == student_iters
    assert cfgs['teacher'].train_cfg.max_iters > student_iters


def test_cpu_protocol_crops_hold_targets_and_skip_validation(repo_root):
    for role, cfg in load(repo_root, CPU_PROTOCOL).items():
        crop = next(t for t in cfg.train_dataloader.dataset.pipeline
                    if t.type == 'RandomCrop')
        # One target pixel in a 128x128 crop passes; all background does
        # not (mmseg re-draws the crop).
        assert 16383 / 16384 < crop.cat_max_ratio < 1, role
        assert cfg.train_cfg.val_begin > cfg.train_cfg.max_iters, role
        assert cfg.test_dataloader.dataset.ann_file == '50_50/test.txt'
