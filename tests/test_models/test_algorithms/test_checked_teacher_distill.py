"""A distillation refuses bad input when it is built, whoever builds it."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config, ConfigDict
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from mmrazor.registry import MODELS

from mmdsad.models.algorithms import CheckedTeacherDistill
from mmdsad.models.backbones import DNANet
from mmdsad.utils import UnsafeCheckpointError, distill_checks
from mmdsad.utils.distill_checks import DistillConfigError
from mmdsad.utils.state_dict_fit import CheckpointMismatchError
from mmdsad.utils.weights_only import save_weights_only
from mmdsad_experiments.benchmark import synthetic_batch

CONFIG = 'configs/distill/dsad_dnanet_num16_num4_nudt.py'


@pytest.fixture
def cfg(repo_root, tmp_path):
    cfg = Config.fromfile(osp.join(repo_root, CONFIG))
    cfg.work_dir = str(tmp_path / 'work_dir')
    # One Runner (and scope instance) per test, however fast they follow.
    cfg.experiment_name = tmp_path.name
    return cfg


def test_valid_teacher_is_built_once_and_read_once(
        cfg, tmp_path, monkeypatch, save_random_model):
    cfg.model.teacher_ckpt = save_random_model(cfg.model.teacher,
                                               tmp_path / 't.pth')
    expected = torch.load(cfg.model.teacher_ckpt, weights_only=True)
    reads, builds = [], []
    load = distill_checks.load_checkpoint_file
    monkeypatch.setattr(distill_checks, 'load_checkpoint_file',
                        lambda *a, **k: reads.append(a) or load(*a, **k))
    init = DNANet.__init__

    def counting_init(self, *args, **kwargs):
        builds.append(kwargs.get('channels'))
        init(self, *args, **kwargs)

    monkeypatch.setattr(DNANet, '__init__', counting_init)
    model = Runner.from_cfg(cfg).model
    assert isinstance(model, CheckedTeacherDistill)
    assert len(reads) == 1 and len(builds) == 2
    # The runner initialises weights before training: not the teacher's.
    model.init_weights()
    for key, value in model.teacher.state_dict().items():
        torch.testing.assert_close(value, expected['state_dict'][key])


def refused(cfg, error, match):
    with pytest.raises(error, match=match):
        Runner.from_cfg(cfg)


def test_missing_teacher_checkpoint(cfg, tmp_path):
    cfg.model.teacher_ckpt = str(tmp_path / 'missing_teacher.pth')
    refused(cfg, FileNotFoundError, 'missing_teacher.pth')


def test_unset_teacher_checkpoint_says_how(cfg):
    cfg.model.teacher_ckpt = None
    refused(cfg, DistillConfigError, 'model.teacher_ckpt=<file>')


def test_wrong_width_checkpoint_is_refused(cfg, tmp_path, save_random_model):
    # The student's (num4) weights offered as the num16 teacher.
    cfg.model.teacher_ckpt = save_random_model(cfg.model.architecture,
                                               tmp_path / 'num4.pth')
    refused(cfg, CheckpointMismatchError,
            r'num4.pth does not match .* shape')


def test_wrong_network_checkpoint_is_refused(cfg, tmp_path):
    path = str(tmp_path / 'other.pth')
    save_weights_only({'encoder.weight': torch.ones(3)}, {}, path)
    cfg.model.teacher_ckpt = path
    refused(cfg, CheckpointMismatchError, 'missing from the checkpoint')


def test_training_checkpoint_of_the_teacher_is_accepted(cfg, tmp_path):
    # numpy scalars, as in mmengine's metadata, load weights-only (the
    # allow-list of mmdsad.utils.checkpoint): no conversion needed.
    with DefaultScope.overwrite_default_scope('mmrazor'):
        teacher = MODELS.build(ConfigDict(cfg.model.teacher))
    path = str(tmp_path / 'full.pth')
    torch.save(
        dict(state_dict=teacher.state_dict(), meta=dict(seed=np.int64(0))),
        path)
    cfg.model.teacher_ckpt = path
    assert isinstance(Runner.from_cfg(cfg).model, CheckedTeacherDistill)


def test_malicious_checkpoint_is_refused_before_it_runs(
        cfg, malicious_checkpoint):
    path, marker = malicious_checkpoint
    cfg.model.teacher_ckpt = path
    refused(cfg, UnsafeCheckpointError, 'posix.system')
    assert not marker.exists()


@pytest.mark.parametrize('side', ['student', 'teacher'])
def test_misspelt_recorder_lists_closest_names(
        cfg, tmp_path, side, save_random_model):
    cfg.model.teacher_ckpt = save_random_model(cfg.model.teacher,
                                               tmp_path / 't.pth')
    cfg.model.distiller[f'{side}_recorders'].encoder.source = \
        'backbone.conv4_O'
    with pytest.raises(DistillConfigError) as error:
        Runner.from_cfg(cfg)
    message = str(error.value)
    assert f'{side} recorder' in message and 'backbone.conv4_O' in message
    assert "'backbone.conv4_0'" in message
    assert f'model.distiller.{side}_recorders.encoder.source' in message


def test_frozen_teacher_runs_in_eval_mode(
        repo_root, tmp_path, save_random_model):
    # DMFNet's REAM dropout would make a frozen teacher's features random.
    cfg = Config.fromfile(
        osp.join(repo_root, 'configs/distill/dsad_dmfnet_num16_num4_nudt.py'))
    cfg.model.teacher_ckpt = save_random_model(cfg.model.teacher,
                                               tmp_path / 't.pth')
    model = MODELS.build(cfg.model)
    model.train()
    assert model.architecture.training
    assert not any(m.training for m in model.teacher.modules())
    images = torch.rand(2, 3, 32, 32)
    with torch.no_grad():
        first = model.teacher(images, mode='tensor')
        second = model.teacher(images, mode='tensor')
    torch.testing.assert_close(first, second, rtol=0, atol=0)


@pytest.fixture
def dsad(cfg, tmp_path, save_random_model):
    cfg.model.teacher_ckpt = save_random_model(cfg.model.teacher,
                                               tmp_path / 't.pth')
    model = MODELS.build(cfg.model)
    model.train()
    teacher_calls = []
    model.teacher.register_forward_pre_hook(
        lambda *_: teacher_calls.append(1))
    data = model.data_preprocessor(synthetic_batch(2, 32), training=True)
    return model, teacher_calls, data['inputs'], data['data_samples']


def student_gradients(model, losses):
    model.zero_grad()
    sum(value for name, value in losses.items() if 'loss' in name).backward()
    return {
        name: param.grad.clone()
        for name, param in model.architecture.named_parameters()
        if param.grad is not None
    }


def test_zero_scale_skips_the_teacher_and_keeps_the_student_step(dsad):
    model, teacher_calls, inputs, samples = dsad
    torch.manual_seed(0)
    computed = model.task_and_distill_losses(inputs, samples)
    assert len(teacher_calls) == 1
    reference = student_gradients(
        model, {
            name: value * 0 if name.startswith('distill.') else value
            for name, value in computed.items()
        })

    model.distill_loss_scale = 0.0
    losses = model.loss(inputs, samples)
    assert len(teacher_calls) == 1
    assert set(losses) == set(computed)
    assert all(losses[name] == 0 for name in losses
               if name.startswith('distill.'))
    torch.testing.assert_close(losses['student.decode.loss_softiou'],
                               computed['student.decode.loss_softiou'])
    gradients = student_gradients(model, losses)
    assert gradients.keys() == reference.keys()
    for name, grad in gradients.items():
        torch.testing.assert_close(grad, reference[name], rtol=0, atol=0)


def test_scale_multiplies_every_distillation_loss(dsad):
    model, teacher_calls, inputs, samples = dsad
    full = model.loss(inputs, samples)
    model.distill_loss_scale = 0.25
    quarter = model.loss(inputs, samples)
    assert len(teacher_calls) == 2
    distill = [name for name in full if name.startswith('distill.')]
    assert distill and all(full[name] > 0 for name in distill)
    for name in full:
        factor = 0.25 if name in distill else 1.0
        torch.testing.assert_close(quarter[name], full[name] * factor)


def test_loss_weight_and_scale_multiply_every_distillation_loss(dsad):
    model, teacher_calls, inputs, samples = dsad
    full = model.loss(inputs, samples)
    model.distill_loss_weight = 0.1
    model.distill_loss_scale = 0.5
    scaled = model.loss(inputs, samples)
    for name in full:
        factor = 0.05 if name.startswith('distill.') else 1.0
        torch.testing.assert_close(scaled[name], full[name] * factor)
    model.distill_loss_weight = 0.0
    model.loss(inputs, samples)
    assert len(teacher_calls) == 2


def test_loss_weight_is_set_by_config(cfg, tmp_path, save_random_model):
    cfg.model.teacher_ckpt = save_random_model(cfg.model.teacher,
                                               tmp_path / 't.pth')
    cfg.model.distill_loss_weight = 0.01
    assert MODELS.build(cfg.model).distill_loss_weight == 0.01


@pytest.mark.parametrize('weight', [-1.0, float('inf'), True, '0.1'])
def test_bad_loss_weight_is_refused(cfg, weight):
    cfg.model.distill_loss_weight = weight
    refused(cfg, ValueError, 'distill_loss_weight must be a finite number')
