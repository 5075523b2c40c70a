"""At one seed a distilled student starts as the student trained alone.

A comparison paired by seed (``compare_distill.py``) must differ by the
distillation only: the same initial weights, and the generator left where
the student alone leaves it (so the same data order), whatever the method
builds besides the student (teacher, connectors, a cross head).
"""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import set_random_seed
from mmrazor.registry import MODELS as RAZOR_MODELS
from mmseg.registry import MODELS as SEG_MODELS

STUDENT = 'configs/dnanet/dnanet_num4_nudt.py'
TEACHER = 'configs/dnanet/dnanet_num16_nudt.py'


def initialised(build, model_cfg, seed=0):
    """The model initialised as the runner does, and the generator's next
    draw."""
    set_random_seed(seed)
    model = build(model_cfg)
    model.init_weights()
    return model, torch.rand(4)


@pytest.fixture(scope='module')
def alone(repo_root):
    init_default_scope('mmseg')
    return initialised(SEG_MODELS.build,
                       Config.fromfile(osp.join(repo_root, STUDENT)).model)


@pytest.fixture(scope='module')
def teacher_ckpt(repo_root, tmp_path_factory, save_random_model):
    return save_random_model(
        osp.join(repo_root, TEACHER),
        tmp_path_factory.mktemp('teacher') / 'teacher.pth')


# KD has no module besides the networks, DSAD and MGD connectors, CrossKD a
# cross head built by its subclass.
@pytest.mark.parametrize('method', ['kd', 'dsad', 'mgd', 'crosskd'])
def test_distilled_student_starts_as_the_student_alone(
        repo_root, alone, teacher_ckpt, method):
    student_alone, next_draw_alone = alone
    cfg = Config.fromfile(
        osp.join(repo_root, 'configs', 'distill',
                 f'{method}_dnanet_num16_num4_nudt.py'))
    cfg.model.teacher_ckpt = teacher_ckpt
    init_default_scope('mmseg')
    distill, next_draw = initialised(RAZOR_MODELS.build, cfg.model)
    expected = student_alone.state_dict()
    student = distill.architecture.state_dict()
    assert student.keys() == expected.keys()
    for name, value in student.items():
        torch.testing.assert_close(value, expected[name], rtol=0, atol=0)
    torch.testing.assert_close(next_draw, next_draw_alone, rtol=0, atol=0)


def test_another_seed_gives_another_student(repo_root, alone, teacher_ckpt):
    cfg = Config.fromfile(
        osp.join(repo_root, 'configs/distill/kd_dnanet_num16_num4_nudt.py'))
    cfg.model.teacher_ckpt = teacher_ckpt
    init_default_scope('mmseg')
    distill, _ = initialised(RAZOR_MODELS.build, cfg.model, seed=1)
    name = 'decode_head.classifiers.3.weight'
    assert not torch.equal(distill.architecture.state_dict()[name],
                           alone[0].state_dict()[name])
