"""Which config a comparison trains: explicit for the reference pair,
composed from it and the network's distillation points otherwise."""
import os.path as osp

import pytest
from mmengine.config import Config, ConfigDict
from mmrazor.registry import MODELS

from mmdsad_experiments import method_configs
from mmdsad_experiments.method_configs import (
    METHODS,
    NETWORKS,
    REFERENCE_PAIR,
    composed_method_config,
    inheriting_config,
    method_config,
)


def load_points(repo_root):
    return Config.fromfile(
        osp.join(repo_root,
                 'configs/_base_/distill/distill_points.py')).distill_points


def test_networks_are_the_entries_of_the_distillation_points(repo_root):
    assert NETWORKS == tuple(load_points(repo_root))
    assert set(NETWORKS) >= {'dnanet', 'amfunet', 'dmfnet'}


@pytest.mark.parametrize('method', METHODS)
def test_every_method_has_an_explicit_reference_config(method):
    assert osp.isfile(method_config(method, *REFERENCE_PAIR))


@pytest.mark.parametrize('method', METHODS)
def test_reference_configs_name_the_modules_of_the_points_table(
        repo_root, tmp_path, method):
    """Composing the reference pair from the table gives the explicit
    config back (but for the tuned weight), so the table and the explicit
    configs cannot drift apart."""
    explicit = Config.fromfile(method_config(method, *REFERENCE_PAIR))
    composed = Config.fromfile(
        inheriting_config(
            str(tmp_path / 'composed.py'),
            method_config(method, *REFERENCE_PAIR),
            method_configs.composed_overrides(method, *REFERENCE_PAIR)))
    composed.model.distill_loss_weight = explicit.model.distill_loss_weight
    assert composed.model == explicit.model
    for key in method_configs.DATA_KEYS:
        assert composed[key] == explicit[key], key


@pytest.mark.parametrize('method', ['kd', 'dsad'])
def test_composed_config_records_the_networks_modules(repo_root, tmp_path,
                                                      method):
    cfg = Config.fromfile(
        composed_method_config(method, 'amfunet', 'sirst', str(tmp_path)))
    assert osp.dirname(cfg.filename) == str(tmp_path)
    points = load_points(repo_root).amfunet
    for side in ('student_recorders', 'teacher_recorders'):
        recorders = cfg.model.distiller[side]
        assert recorders and all(
            recorder.source == points[name]
            for name, recorder in recorders.items())
    assert cfg.model.architecture.cfg_path == (
        'mmdsad::amfunet/amfunet_num4_sirst.py')
    assert cfg.model.teacher.cfg_path == (
        'mmdsad::amfunet/amfunet_num16_sirst.py')
    assert cfg.model.distill_loss_weight == 1.0
    assert cfg.train_dataloader.dataset.data_root == 'data/NUAA-SIRST'


def test_dmfnet_is_taught_by_its_teacher_only_config(tmp_path):
    cfg = Config.fromfile(
        composed_method_config('kd', 'dmfnet', 'sirst', str(tmp_path)))
    assert cfg.model.teacher.cfg_path == (
        'mmdsad::dmfnet/dmfnet_num16_sirst_teacher.py')


def test_an_explicit_config_is_used_where_there_is_one(tmp_path):
    path = composed_method_config('dsad', 'amfunet', 'nudt', str(tmp_path))
    assert path == method_config('dsad', 'amfunet', 'nudt')


def test_composed_config_builds_with_widths_from_the_networks(
        tmp_path, save_random_model):
    cfg = Config.fromfile(
        composed_method_config('pkd', 'amfunet', 'sirst', str(tmp_path)))
    teacher_ckpt = save_random_model(cfg.model.teacher,
                                     tmp_path / 'teacher.pth')
    algorithm = MODELS.build(ConfigDict(cfg.model, teacher_ckpt=teacher_ckpt))
    decoder = algorithm.distiller.connectors['decoder_align'].conv_module.conv
    # AMFU-Net's decoder stage hd1: 20 channels at num4, 80 at num16.
    assert (decoder.in_channels, decoder.out_channels) == (20, 80)


def test_a_network_without_points_is_refused_with_where_to_add_it(tmp_path):
    with pytest.raises(ValueError, match='distill_points.py'):
        method_configs.composed_overrides('kd', 'mynet', 'nudt')
