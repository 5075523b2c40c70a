"""Distillation configs (DSAD and the comparison methods): what MMRazor
builds from them, and how it trains."""
import copy
import glob
import os.path as osp
import re

import pytest
import torch
from mmengine.config import Config, ConfigDict
from mmengine.optim import build_optim_wrapper
from mmrazor.registry import MODELS

from mmdsad.analysis import count_complexity
from mmdsad_experiments.method_configs import composed_method_config

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
# Table 1's methods on the output logits, on DSAD's layer set and through
# the teacher's head; DSAD itself.
LOGIT_METHODS = ('kd', )
FEATURE_METHODS = ('nst', 'at', 'kdsvd', 'rkd', 'cckd', 'mgd', 'pkd', 'dsad')
HEAD_METHODS = ('crosskd', )
COMPARISONS = [(net, data) for net in ('dnanet', 'amfunet', 'dmfnet')
               for data in ('nudt', 'sirst')]
# Every method on every network and dataset: an explicit config for the
# reference pair (DNANet, NUDT-SIRST), composed for the others.
COMPARISON_RUNS = [(method, net, data)
                   for method in LOGIT_METHODS + FEATURE_METHODS + HEAD_METHODS
                   for net, data in COMPARISONS]
ALGORITHMS = ('CheckedTeacherDistill', 'CrossKDDistill')


def distill_configs(repo_root):
    return sorted(glob.glob(osp.join(repo_root, 'configs/distill/*.py')))


def run_id(run):
    return '_'.join(run)


@pytest.fixture(scope='module')
def comparison_config(tmp_path_factory):
    """The config compare_distill.py trains for a method on a network and
    dataset (explicit or composed), ``(method, net, data) -> Config``."""
    out_dir = str(tmp_path_factory.mktemp('composed'))

    def load(method, net, data):
        return Config.fromfile(
            composed_method_config(method, net, data, out_dir))

    return load


@pytest.fixture
def build_algorithm(tmp_path, save_random_model):
    """Builds a config's algorithm with a randomly initialised teacher saved
    as its checkpoint (the algorithm refuses to run without one),
    ``(cfg) -> algorithm``."""

    def build(cfg):
        teacher_ckpt = save_random_model(cfg.model.teacher,
                                         tmp_path / 'random_teacher.pth')
        return MODELS.build(ConfigDict(cfg.model, teacher_ckpt=teacher_ckpt))

    return build


def test_every_distill_config_follows_the_paper_recipe(repo_root):
    paths = distill_configs(repo_root)
    assert paths, 'no distillation configs'
    for path in paths:
        cfg = Config.fromfile(path)
        assert cfg.model.type in ALGORITHMS, path
        assert cfg.model._scope_ == 'mmrazor'
        assert not cfg.model.teacher_trainable and cfg.model.teacher_norm_eval
        assert cfg.optim_wrapper.optimizer == dict(type='Adagrad', lr=0.05)
        assert cfg.param_scheduler[0].type == 'CosineAnnealingLR'
        assert cfg.train_dataloader.batch_size == 16
        assert cfg.val_cfg.type == 'mmrazor.SingleTeacherDistillValLoop'
        # Every method's distillation starts after the same warm-up.
        assert cfg.custom_hooks == [
            dict(type='DistillLossWarmupHook', start_iter=50,
                 warmup_iters=100)
        ], path
        if not osp.basename(path).startswith('dsad_'):
            continue
        losses = cfg.model.distiller.distill_losses
        assert losses and all(
            loss.type == 'PWMSELoss' and loss.loss_weight == 2.0
            for loss in losses.values()), path


@pytest.mark.parametrize('run', COMPARISON_RUNS, ids=run_id)
def test_comparison_config_builds_from_the_network_configs(
        run, comparison_config):
    method, net, data = run
    cfg = comparison_config(method, net, data)
    assert cfg.model.architecture == dict(
        cfg_path=f'mmdsad::{net}/{net}_num4_{data}.py', pretrained=False)
    # DMFNet's teacher is its trained config without the training blur.
    teacher = f'{net}_num16_{data}' + ('_teacher' if net == 'dmfnet' else '')
    assert cfg.model.teacher == dict(
        cfg_path=f'mmdsad::{net}/{teacher}.py', pretrained=False)
    assert cfg.model.teacher_ckpt == f'checkpoints/{net}_num16_{data}.pth'
    # Same data, recipe and teacher checkpoint as DSAD.
    dsad = comparison_config('dsad', net, data)
    for key in ('train_dataloader', 'test_dataloader', 'param_scheduler',
                'train_cfg', 'val_cfg'):
        assert cfg[key] == dsad[key], key
    assert cfg.optim_wrapper.optimizer == dsad.optim_wrapper.optimizer
    # Only MGD's connectors learn slower (its leaf says why).
    assert 'paramwise_cfg' not in dsad.optim_wrapper
    assert cfg.optim_wrapper.get('paramwise_cfg') == (
        dict(custom_keys=dict(connectors=dict(lr_mult=0.01)))
        if method == 'mgd' else None)
    assert cfg.model.teacher_ckpt == dsad.model.teacher_ckpt
    assert cfg.custom_hooks == dsad.custom_hooks
    recorders = cfg.model.distiller.get('student_recorders')
    teacher_recorders = cfg.model.distiller.get('teacher_recorders')
    if method in HEAD_METHODS:
        # CrossKD records the cross module's input on both sides, and the
        # teacher's head: its own run and the cross-head run.
        assert list(recorders) == ['cross_input']
        assert recorders.cross_input.source.startswith('decode_head.')
        assert teacher_recorders.pop('logits').type == 'MethodOutputs'
    assert recorders == teacher_recorders
    if method in LOGIT_METHODS:
        assert list(recorders) == ['logits']
    elif method not in HEAD_METHODS:
        assert recorders == dsad.model.distiller.student_recorders


@pytest.mark.parametrize('net', ['dnanet', 'amfunet', 'dmfnet'])
def test_dsad_student_weighs_softiou_and_pwmse_one_to_two(
        repo_root, net, build_algorithm):
    """Eq. 13: alpha * SoftIoU + beta * sum of PWMSE, alpha : beta = 1 : 2;
    alpha is the SoftIoU weight of the student's own config."""
    cfg = Config.fromfile(
        osp.join(repo_root, f'configs/distill/dsad_{net}_num16_num4_nudt.py'))
    algorithm = build_algorithm(cfg)
    softiou = algorithm.architecture.decode_head.loss_decode
    assert softiou.loss_name == 'loss_softiou' and softiou.loss_weight == 1.0
    assert [loss.loss_weight for loss in algorithm.distiller.distill_losses.
            values()] == [2.0, 2.0]


@pytest.mark.parametrize('net', ['dnanet', 'amfunet', 'dmfnet'])
def test_table6_distils_the_dsa_student_from_the_plain_teacher(
        repo_root, net):
    data = 'nudt'
    dsa = Config.fromfile(
        osp.join(repo_root, 'configs/distill',
                 f'dsad_{net}_num16_num4_dsa_{data}.py'))
    dsad = Config.fromfile(
        osp.join(repo_root, 'configs/distill',
                 f'dsad_{net}_num16_num4_{data}.py'))
    assert dsa.model.architecture == dict(
        cfg_path=f'mmdsad::{net}/{net}_num4_dsa_{data}.py', pretrained=False)
    student = Config.fromfile(
        osp.join(repo_root, f'configs/{net}/{net}_num4_dsa_{data}.py'))
    assert student.model.backbone.spatial_attention == dict(
        type='DSA', learnable=True)
    dsa.model.architecture = dsad.model.architecture
    assert dsa.to_dict() == dsad.to_dict()


@pytest.mark.parametrize('data', ['nudt', 'sirst'])
def test_dmfnet_teacher_config_is_the_trained_one_without_blur(
        repo_root, data):
    trained = Config.fromfile(
        osp.join(repo_root, f'configs/dmfnet/dmfnet_num16_{data}.py'))
    teacher = Config.fromfile(
        osp.join(repo_root, f'configs/dmfnet/dmfnet_num16_{data}_teacher.py'))
    assert trained.model.backbone.train_blur is not None
    assert teacher.model.backbone.train_blur is None
    trained.model.backbone.train_blur = None
    assert teacher.model == trained.model


@pytest.mark.parametrize('name', [
    *(f'dsad_{net}_num16_num4_nudt.py'
      for net in ('dnanet', 'amfunet', 'dmfnet')),
    'dsad_dnanet_num16_unet_nudt.py',
    'dsad_uniform_weights_dnanet_num16_num4_nudt.py',
    'dsad_cbam_weights_dnanet_num16_num4_nudt.py',
])
def test_gradients_reach_student_and_connectors_not_teacher(
        repo_root, name, labelled_batch, build_algorithm):
    cfg = Config.fromfile(osp.join(repo_root, 'configs/distill', name))
    algorithm = build_algorithm(cfg)
    algorithm.train()
    data = algorithm.data_preprocessor(labelled_batch(), training=True)
    losses = algorithm(**data, mode='loss')
    distill_keys = [k for k in losses if k.startswith('distill.')]
    assert len(distill_keys) == len(cfg.model.distiller.distill_losses)
    total = sum(v for k, v in losses.items() if 'loss' in k)
    total.backward()
    student_grads = [
        p.grad for p in algorithm.architecture.parameters() if p.requires_grad
    ]
    assert any(g is not None and g.abs().sum() > 0 for g in student_grads)
    connectors = algorithm.distiller.connectors
    align = [p for n, p in connectors.named_parameters() if 'align' in n]
    assert align and all(p.grad is not None for p in align)
    assert all(p.grad is None for p in algorithm.teacher.parameters())
    assert all(not p.requires_grad for p in algorithm.teacher.parameters())


def test_teacher_norm_stays_in_eval(repo_root, build_algorithm):
    cfg = Config.fromfile(
        osp.join(repo_root, 'configs/distill/dsad_dnanet_num16_num4_nudt.py'))
    algorithm = build_algorithm(cfg)
    algorithm.train()
    teacher_bn = [
        m for m in algorithm.teacher.modules()
        if isinstance(m, torch.nn.BatchNorm2d)
    ]
    assert teacher_bn and not any(m.training for m in teacher_bn)
    assert algorithm.architecture.training


def test_complexity_of_a_distillation_is_the_students(repo_root):
    distill = Config.fromfile(
        osp.join(repo_root, 'configs/distill/dsad_dnanet_num16_num4_nudt.py'))
    student = Config.fromfile(
        osp.join(repo_root, 'configs/dnanet/dnanet_num4_nudt.py'))
    shape = (3, 64, 64)
    assert count_complexity(distill, shape) == count_complexity(
        student, shape)


@pytest.mark.parametrize(
    'run', [run for run in COMPARISON_RUNS if run[0] in LOGIT_METHODS],
    ids=run_id)
def test_logit_method_loss_is_nonzero_and_reaches_student_logits(
        run, labelled_batch, build_algorithm, comparison_config):
    cfg = comparison_config(*run)
    algorithm = build_algorithm(cfg)
    algorithm.train()
    data = algorithm.data_preprocessor(labelled_batch(), training=True)
    # The same seed here and below: in training DMFNet's student blurs its
    # input at random and its REAM dropout is active (in the frozen
    # teacher too: MMRazor sets only the teacher's BN to eval).
    torch.manual_seed(0)
    losses = algorithm(**data, mode='loss')
    distill = [v for k, v in losses.items() if k.startswith('distill.')]
    assert distill and all(v.item() > 0 for v in distill)
    # The loss reads the predictions (the heads' last outputs).
    loss_cfg = next(iter(cfg.model.distiller.distill_losses.values()))
    with torch.no_grad():
        # Teacher first, as the algorithm runs them.
        torch.manual_seed(0)
        prediction_T = algorithm.teacher._forward(data['inputs'])[-1]
        prediction_S = algorithm.architecture._forward(data['inputs'])[-1]
    # Times the config's one factor on every distillation loss.
    torch.testing.assert_close(
        sum(distill), algorithm.distill_loss_weight *
        MODELS.build(ConfigDict(loss_cfg))(prediction_S, prediction_T))
    sum(distill).backward()
    # The distillation gradient alone reaches the student's one-channel
    # output convs (the last registered one feeds every head's prediction).
    last_output = [
        m for m in algorithm.architecture.decode_head.modules()
        if isinstance(m, torch.nn.Conv2d) and m.out_channels == 1
    ][-1]
    assert last_output.weight.grad.abs().sum() > 0
    assert all(p.grad is None for p in algorithm.teacher.parameters())


# Every explicit distillation config, and every composed comparison run
# (method, net, data) without one.
ALL_DISTILL_CONFIGS = sorted(
    glob.glob(osp.join(REPO_ROOT, 'configs/distill/*.py')) +
    glob.glob(osp.join(REPO_ROOT, 'configs/demo/dsad_*.py'))) + [
        run for run in COMPARISON_RUNS if not osp.isfile(
            osp.join(REPO_ROOT, 'configs/distill',
                     '{}_{}_num16_num4_{}.py'.format(*run)))
    ]


@pytest.mark.parametrize(
    'config',
    ALL_DISTILL_CONFIGS,
    ids=lambda config: osp.basename(config)
    if isinstance(config, str) else run_id(config))
def test_one_training_step_changes_student_not_teacher(
        config, labelled_batch, build_algorithm, comparison_config):
    cfg = (Config.fromfile(config)
           if isinstance(config, str) else comparison_config(*config))
    algorithm = build_algorithm(cfg)
    algorithm.train()
    optim_wrapper = build_optim_wrapper(algorithm, cfg.optim_wrapper)
    student_before = copy.deepcopy(algorithm.architecture.state_dict())
    teacher_before = copy.deepcopy(algorithm.teacher.state_dict())
    algorithm.train_step(labelled_batch(), optim_wrapper)
    student_after = algorithm.architecture.state_dict()
    assert any(not torch.equal(value, student_after[key])
               for key, value in student_before.items())
    # Weights and BN statistics: the teacher is frozen and in eval mode.
    teacher_after = algorithm.teacher.state_dict()
    assert all(
        torch.equal(value, teacher_after[key])
        for key, value in teacher_before.items())


def test_readme_table_gives_each_leaf_its_distill_loss_weight(repo_root):
    readme = osp.join(repo_root, 'configs', 'distill', 'README.md')
    rows = re.findall(r'^\| [^|]+ \| [^|]+ \| `([\w]+\.py)` \| ([\d.]+) \|$',
                      open(readme, encoding='utf-8').read(), re.MULTILINE)
    assert len(rows) == 10
    for name, weight in rows:
        cfg = Config.fromfile(osp.join(repo_root, 'configs', 'distill', name))
        assert cfg.model.distill_loss_weight == float(weight), name


def test_mgd_connectors_take_a_hundredth_of_the_first_adagrad_step(
        repo_root, labelled_batch, build_algorithm):
    # Adagrad's first step is lr * g / |g| whatever the loss weight, so
    # only the learning rate bounds how far a fresh connector moves.
    cfg = Config.fromfile(
        osp.join(repo_root, 'configs/distill/mgd_dnanet_num16_num4_nudt.py'))
    algorithm = build_algorithm(cfg)
    algorithm.distill_loss_scale = 0.01
    algorithm.train()
    optim_wrapper = build_optim_wrapper(algorithm, cfg.optim_wrapper)
    before = {
        name: param.detach().clone()
        for name, param in algorithm.named_parameters()
    }
    algorithm.train_step(labelled_batch(), optim_wrapper)
    steps = {
        name: (param.detach() - before[name]).abs().max().item()
        for name, param in algorithm.named_parameters()
    }
    connector_steps = [
        step for name, step in steps.items() if '.connectors.' in name
    ]
    student_steps = [
        step for name, step in steps.items()
        if name.startswith('architecture.backbone.')
    ]
    assert connector_steps and student_steps
    assert max(connector_steps) == pytest.approx(0.05 * 0.01, rel=1e-3)
    assert max(student_steps) == pytest.approx(0.05, rel=1e-3)
