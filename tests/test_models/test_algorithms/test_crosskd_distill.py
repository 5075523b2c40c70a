"""CrossKD: the student's head feature through the frozen teacher's head."""

import pytest
import torch
from mmengine.config import Config, ConfigDict
from mmengine.runner import Runner
from mmrazor.registry import MODELS

from mmdsad.models.algorithms import CrossKDDistill
from mmdsad.models.algorithms.crosskd_distill import match_channel_statistics
from mmdsad.models.losses import QualityFocalKDLoss
from mmdsad.utils.distill_checks import DistillConfigError
from mmdsad_experiments.method_configs import composed_method_config


@pytest.fixture(scope='module')
def load_config(tmp_path_factory):
    """CrossKD's config on NUDT-SIRST, explicit for DNANet and composed for
    the other networks, ``(net='dnanet') -> Config``."""
    out_dir = str(tmp_path_factory.mktemp('composed'))

    def load(net='dnanet'):
        return Config.fromfile(
            composed_method_config('crosskd', net, 'nudt', out_dir))

    return load


@pytest.fixture
def with_random_teacher(tmp_path, save_random_model):
    """Makes a config's model config with a randomly initialised teacher
    checkpoint, ``(cfg) -> ConfigDict``."""

    def make(cfg):
        teacher_ckpt = save_random_model(
            cfg.model.teacher, tmp_path / 'teacher.pth', seed=0)
        return ConfigDict(cfg.model, teacher_ckpt=teacher_ckpt)

    return make


def channel_statistics_reference(feature, reference):
    """Per channel over batch and pixels, as CrossKD writes it: (C, N*H*W)."""
    channels = feature.shape[1]
    flat = feature.transpose(0, 1).reshape(channels, -1)
    ref = reference.transpose(0, 1).reshape(channels, -1)
    standard = (flat - flat.mean(1, keepdim=True)) / (
        flat.std(1, keepdim=True) + 1e-6)
    aligned = standard * ref.std(1, keepdim=True) + ref.mean(1, keepdim=True)
    return aligned.reshape(channels, feature.shape[0],
                           *feature.shape[2:]).transpose(0, 1)


def test_aligned_feature_takes_the_teachers_channel_statistics():
    torch.manual_seed(0)
    student = torch.randn(2, 5, 4, 6) * 3 + 1
    teacher = torch.randn(2, 5, 8, 8) * torch.arange(1., 6.).view(1, 5, 1, 1)
    aligned = match_channel_statistics(student, teacher)
    torch.testing.assert_close(aligned,
                               channel_statistics_reference(student, teacher))
    torch.testing.assert_close(
        aligned.mean((0, 2, 3)), teacher.mean((0, 2, 3)), atol=1e-5,
        rtol=0)
    torch.testing.assert_close(
        aligned.std((0, 2, 3)), teacher.std((0, 2, 3)), rtol=1e-4, atol=0)


def test_dnanet_cross_head_is_the_teachers_fusion_and_classifier(
        load_config, labelled_batch, with_random_teacher):
    """The loss equals quality-focal KD between the teacher's prediction and
    the teacher's fusion block + classifier applied, by hand, to the
    student's aligned fusion input."""
    cfg = load_config()
    algorithm = MODELS.build(with_random_teacher(cfg))
    algorithm.train()
    inputs = {}

    def keep_input(side):
        return lambda module, args: inputs.__setitem__(side, args[0])

    for side, network in (('student', algorithm.student),
                          ('teacher', algorithm.teacher)):
        network.decode_head.conv0_4_final.register_forward_pre_hook(
            keep_input(side))
    data = algorithm.data_preprocessor(labelled_batch(), training=True)
    losses = algorithm(**data, mode='loss')
    assert {key for key in losses if 'loss' in key} == {
        'student.decode.loss_softiou', 'distill.loss_crosskd'}
    head_T = algorithm.teacher.decode_head
    with torch.no_grad():
        prediction_T = algorithm.teacher._forward(data['inputs'])[-1]
        aligned = channel_statistics_reference(
            algorithm.student_align(inputs['student']), inputs['teacher'])
        cross = head_T.classifiers[-1](head_T.conv0_4_final(aligned))
    torch.testing.assert_close(
        losses['distill.loss_crosskd'],
        algorithm.distill_loss_weight *
        QualityFocalKDLoss()(cross, prediction_T))


def test_gradient_reaches_student_and_connector_through_the_frozen_head(
        load_config, labelled_batch, with_random_teacher):
    cfg = load_config()
    algorithm = MODELS.build(with_random_teacher(cfg))
    algorithm.train()
    data = algorithm.data_preprocessor(labelled_batch(), training=True)
    algorithm(**data, mode='loss')['distill.loss_crosskd'].backward()
    # The distillation loss alone reaches the student's deepest stage.
    assert any(p.grad is not None and p.grad.abs().sum() > 0
               for p in algorithm.student.backbone.conv4_0.parameters())
    assert all(p.grad.abs().sum() > 0
               for p in algorithm.student_align.parameters())
    assert all(p.grad is None for p in algorithm.teacher.parameters())
    assert not algorithm.teacher.training


def set_cross_module(model, module):
    for side in ('student', 'teacher'):
        model.distiller[f'{side}_recorders'].cross_input.source = module


@pytest.mark.parametrize('net, output_index, aligned', [
    ('amfunet', -2, True),
    ('dmfnet', -1, False),
])
def test_other_networks_hand_over_their_head_feature(
        load_config, labelled_batch, net, output_index, aligned,
        with_random_teacher):
    """The loss compares the head recorder's cross-head run (record 1) with
    the teacher's own run (record 0) at the network's distilled output."""
    cfg = load_config(net)
    algorithm = MODELS.build(with_random_teacher(cfg))
    assert isinstance(algorithm.student_align,
                      torch.nn.Identity) is not aligned
    algorithm.train()
    data = algorithm.data_preprocessor(labelled_batch(), training=True)
    loss = algorithm(**data, mode='loss')['distill.loss_crosskd']
    runs = algorithm.distiller.teacher_recorders.get_recorder(
        'logits').data_buffer
    # The student's head (same class) ran outside the teacher's recorders.
    assert len(runs) == 2
    cross, own = runs[1][output_index], runs[0][output_index]
    assert cross.requires_grad and not own.requires_grad
    assert not torch.equal(cross, own)
    torch.testing.assert_close(
        loss, algorithm.distill_loss_weight * QualityFocalKDLoss()(cross, own))
    assert loss.item() > 0
    loss.backward()
    assert any(p.grad is not None and p.grad.abs().sum() > 0
               for p in algorithm.student.decode_head.parameters())


def test_zero_scale_rests_the_teacher(load_config, labelled_batch,
                                      with_random_teacher):
    algorithm = MODELS.build(with_random_teacher(load_config()))
    algorithm.train()
    calls = {'backbone': [], 'decode_head': []}
    for name, record in calls.items():
        algorithm.teacher.get_submodule(name).register_forward_pre_hook(
            lambda *_, record=record: record.append(1))
    data = algorithm.data_preprocessor(labelled_batch(), training=True)
    algorithm.distill_loss_scale = 0.0
    losses = algorithm(**data, mode='loss')
    assert losses['distill.loss_crosskd'] == 0
    assert calls == {'backbone': [], 'decode_head': []}
    algorithm.distill_loss_scale = 0.5
    losses = algorithm(**data, mode='loss')
    assert losses['distill.loss_crosskd'] > 0
    # One teacher forward and the cross-head run.
    assert (len(calls['backbone']), len(calls['decode_head'])) == (1, 2)
    # MMRazor's StopDistillHook: the student alone, as in MMRazor's loss.
    algorithm.distillation_stopped = True
    losses = algorithm(**data, mode='loss')
    assert not any(name.startswith('distill.') for name in losses)
    assert (len(calls['backbone']), len(calls['decode_head'])) == (1, 2)


def test_misspelt_module_is_refused_with_the_closest_names(
        load_config, with_random_teacher):
    model = with_random_teacher(load_config())
    set_cross_module(model, 'decode_head.conv0_4_fina')
    with pytest.raises(DistillConfigError,
                       match=r"'decode_head.conv0_4_final'.*Fix model\."
                       r'distiller\.student_recorders\.cross_input'):
        MODELS.build(model)


def test_cross_modules_that_differ_are_refused(load_config,
                                               with_random_teacher):
    model = with_random_teacher(load_config())
    model.distiller.teacher_recorders.cross_input.source = (
        'decode_head.conv0_3')
    with pytest.raises(DistillConfigError, match='same module'):
        MODELS.build(model)


def test_missing_recorder_is_refused_with_where_to_declare_it(
        load_config, with_random_teacher):
    model = with_random_teacher(load_config())
    model.distiller.teacher_recorders.pop('logits')
    with pytest.raises(
            DistillConfigError,
            match=r'teacher_recorders\.logits is None.*crosskd_dnanet'):
        MODELS.build(model)


def test_head_recorder_of_another_head_is_refused(load_config,
                                                  with_random_teacher):
    model = with_random_teacher(load_config())
    model.distiller.teacher_recorders.logits.source = (
        'mmdsad.models.decode_heads.amfunet_head.AMFUNetHead.forward')
    with pytest.raises(DistillConfigError,
                       match=r'dnanet_head\.DNANetHead\.forward'):
        MODELS.build(model)


def test_module_that_runs_more_than_once_is_refused(
        load_config, labelled_batch, with_random_teacher):
    # AMFU-Net's attention block serves all four decoder stages.
    cfg = load_config('amfunet')
    model = with_random_teacher(cfg)
    set_cross_module(model, 'decode_head.cat_attn')
    model.student_align.update(in_channel=20, out_channel=80)
    algorithm = MODELS.build(model)
    algorithm.train()
    data = algorithm.data_preprocessor(labelled_batch(), training=True)
    with pytest.raises(DistillConfigError,
                       match="ran 'decode_head.cat_attn' 4 times"):
        algorithm(**data, mode='loss')


def test_trainable_teacher_is_refused(
        load_config, with_random_teacher):
    model = with_random_teacher(load_config())
    model.teacher_trainable = True
    with pytest.raises(DistillConfigError, match='frozen teacher'):
        MODELS.build(model)


def test_unset_teacher_trainable_is_mmrazors_frozen_default(
        load_config, with_random_teacher):
    model = with_random_teacher(load_config())
    model.pop('teacher_trainable')
    assert not MODELS.build(model).teacher_trainable


def test_runner_builds_it_and_refuses_a_missing_checkpoint(
        load_config, tmp_path, with_random_teacher):
    cfg = load_config()
    cfg.work_dir = str(tmp_path / 'work_dir')
    cfg.model = with_random_teacher(cfg)
    assert isinstance(Runner.from_cfg(cfg).model, CrossKDDistill)
    cfg.model.teacher_ckpt = str(tmp_path / 'missing.pth')
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        Runner.from_cfg(cfg)
