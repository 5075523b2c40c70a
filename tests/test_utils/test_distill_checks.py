import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config, ConfigDict
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from mmdsad.utils import UnsafeCheckpointError
from mmdsad.utils.distill_checks import (
    DistillConfigError,
    check_distillation,
    is_distillation,
)
from mmdsad.utils.weights_only import save_weights_only

CONFIG = 'configs/distill/dsad_dnanet_num16_num4_nudt.py'


@pytest.fixture
def cfg(repo_root):
    return Config.fromfile(osp.join(repo_root, CONFIG))


def save_model(model_cfg, path):
    init_default_scope('mmseg')
    model = MODELS.build(ConfigDict(model_cfg))
    save_weights_only(model.state_dict(), {}, str(path))
    return str(path)


def test_valid_teacher_passes(cfg, tmp_path):
    cfg.model.teacher_ckpt = save_model(cfg.model.teacher, tmp_path / 't.pth')
    assert is_distillation(cfg)
    check_distillation(cfg)


def test_missing_teacher_checkpoint(cfg, tmp_path):
    cfg.model.teacher_ckpt = str(tmp_path / 'missing_teacher.pth')
    with pytest.raises(FileNotFoundError, match='missing_teacher.pth'):
        check_distillation(cfg)


def test_unset_teacher_checkpoint_says_how(cfg):
    cfg.model.teacher_ckpt = None
    with pytest.raises(DistillConfigError, match='model.teacher_ckpt'):
        check_distillation(cfg)


def test_wrong_width_checkpoint_is_refused(cfg, tmp_path):
    # The student's (num4) weights offered as the num16 teacher.
    cfg.model.teacher_ckpt = save_model(cfg.model.architecture,
                                        tmp_path / 'num4.pth')
    with pytest.raises(DistillConfigError, match='shape mismatches'):
        check_distillation(cfg)


def test_wrong_network_checkpoint_is_refused(cfg, tmp_path):
    path = str(tmp_path / 'other.pth')
    save_weights_only({'encoder.weight': torch.ones(3)}, {}, path)
    cfg.model.teacher_ckpt = path
    with pytest.raises(DistillConfigError, match='missing keys'):
        check_distillation(cfg)


def test_unsafe_teacher_checkpoint_is_refused(cfg, tmp_path):
    path = str(tmp_path / 'full.pth')
    # numpy scalars, like mmengine's metadata, need arbitrary unpickling.
    torch.save(dict(state_dict={}, meta=dict(seed=np.int64(0))), path)
    cfg.model.teacher_ckpt = path
    with pytest.raises(UnsafeCheckpointError, match='to_weights_only'):
        check_distillation(cfg)


@pytest.mark.parametrize('side', ['student', 'teacher'])
def test_misspelt_recorder_lists_closest_names(cfg, tmp_path, side):
    cfg.model.teacher_ckpt = save_model(cfg.model.teacher, tmp_path / 't.pth')
    cfg.model.distiller[f'{side}_recorders'].encoder.source = \
        'backbone.conv4_O'
    with pytest.raises(DistillConfigError) as error:
        check_distillation(cfg)
    message = str(error.value)
    assert f'{side} recorder' in message and 'backbone.conv4_O' in message
    assert "'backbone.conv4_0'" in message


def test_plain_config_is_not_distillation(repo_root):
    plain = Config.fromfile(
        osp.join(repo_root, 'configs/dnanet/dnanet_num4_nudt.py'))
    assert not is_distillation(plain)
