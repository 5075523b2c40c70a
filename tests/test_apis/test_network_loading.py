"""Loading checkpoints into the network of a config, or saying why not."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from mmdsad.apis import CheckpointMismatchError, load_network, network_config
from mmdsad.apis.network_loading import check_checkpoint_fits
from mmdsad.utils.checkpoint import UnsafeCheckpointError
from mmdsad.utils.weights_only import save_weights_only

from .random_weights import save_random_checkpoint

DNANET_NUM4 = 'configs/dnanet/dnanet_num4_nudt.py'


def same_weights(a, b):
    state_a, state_b = a.state_dict(), b.state_dict()
    return state_a.keys() == state_b.keys() and all(
        torch.equal(state_a[k], state_b[k]) for k in state_a)


def test_loads_a_plain_checkpoint(repo_root, tmp_path):
    config = osp.join(repo_root, DNANET_NUM4)
    saved = save_random_checkpoint(config, str(tmp_path / 'net.pth'))
    loaded = load_network(config, str(tmp_path / 'net.pth'))
    assert not loaded.training
    assert same_weights(loaded, saved)


def test_distilled_or_fdep_checkpoint_gives_its_architecture(
        repo_root, tmp_path):
    config = osp.join(repo_root, DNANET_NUM4)
    path = str(tmp_path / 'student.pth')
    saved = save_random_checkpoint(config, path, prefix='architecture.')
    checkpoint = torch.load(path, weights_only=True)
    # What a distillation (teacher, distiller) and CO-ISD (SAMF) add.
    checkpoint['state_dict']['teacher.backbone.w'] = torch.zeros(2)
    checkpoint['state_dict']['samf.0.weight'] = torch.zeros(3)
    save_weights_only(checkpoint['state_dict'], {}, path)
    assert same_weights(load_network(config, path), saved)


def test_fdep_config_gives_the_plain_network(repo_root):
    cfg = Config.fromfile(
        osp.join(repo_root, 'configs/fdep/fdep_dnanet_num4_nudt.py'))
    assert network_config(cfg).backbone.type == 'DNANet'


def test_mmrazor_cfg_path_architecture_is_the_network_config(repo_root):
    distill = network_config(
        osp.join(repo_root,
                 'configs/distill/dsad_dnanet_num16_num4_dsa_nudt.py'))
    student = Config.fromfile(
        osp.join(repo_root, 'configs/dnanet/dnanet_num4_dsa_nudt.py'))
    assert distill == student.model


def test_architecture_without_type_or_cfg_path_is_refused():
    cfg = Config(
        dict(
            model=dict(
                type='SingleTeacherDistill',
                architecture=dict(cfg='dnanet_num4_nudt.py'))))
    with pytest.raises(ValueError, match='fix model.architecture'):
        network_config(cfg)


def test_width_mismatch_lists_the_keys(repo_root, tmp_path):
    path = str(tmp_path / 'num16.pth')
    save_random_checkpoint(
        osp.join(repo_root, 'configs/dnanet/dnanet_num16_nudt.py'), path)
    with pytest.raises(CheckpointMismatchError) as error:
        load_network(osp.join(repo_root, DNANET_NUM4), path)
    message = str(error.value)
    assert 'checkpoint vs network shape' in message
    assert 'backbone.conv0_0' in message and 'dnanet_num4_nudt.py' in message


def test_other_network_lists_missing_and_unexpected_keys(repo_root, tmp_path):
    path = str(tmp_path / 'amfu.pth')
    save_random_checkpoint(
        osp.join(repo_root, 'configs/amfunet/amfunet_num4_nudt.py'), path)
    with pytest.raises(CheckpointMismatchError,
                       match='missing from the checkpoint.*not in the '
                       'network'):
        load_network(osp.join(repo_root, DNANET_NUM4), path)


def test_full_checkpoint_is_refused_with_the_converter(repo_root, tmp_path):
    path = tmp_path / 'full.pth'
    torch.save({'state_dict': {}, 'meta': {'obj': object}}, path)
    with pytest.raises(UnsafeCheckpointError, match='to_weights_only'):
        load_network(osp.join(repo_root, DNANET_NUM4), str(path))


def test_fdep_config_and_checkpoint_load_the_plain_network(
        repo_root, tmp_path):
    path = str(tmp_path / 'fdep.pth')
    saved = save_random_checkpoint(
        osp.join(repo_root, DNANET_NUM4), path, prefix='architecture.')
    checkpoint = torch.load(path, weights_only=True)
    checkpoint['state_dict']['samf.0.proj.weight'] = torch.zeros(4)
    save_weights_only(checkpoint['state_dict'], {}, path)
    loaded = load_network(
        osp.join(repo_root, 'configs/fdep/fdep_dnanet_num4_nudt.py'), path)
    assert type(loaded).__name__ == 'IRSTDEncoderDecoder'
    assert same_weights(loaded, saved)


def test_fdep_checkpoint_for_the_plain_network_names_the_export(
        repo_root, tmp_path):
    config = osp.join(repo_root, DNANET_NUM4)
    path = str(tmp_path / 'fdep.pth')
    network = save_random_checkpoint(config, path, prefix='architecture.')
    checkpoint = torch.load(path, weights_only=True)
    checkpoint['state_dict']['samf.0.weight'] = torch.zeros(3)
    save_weights_only(checkpoint['state_dict'], {}, path)
    with pytest.raises(CheckpointMismatchError,
                       match=r'samf\.\*.*--strip-prefix architecture\.'):
        check_checkpoint_fits(network, path, config)


def test_checkpoint_that_fits_passes_and_one_that_does_not_is_listed(
        repo_root, tmp_path):
    config = osp.join(repo_root, DNANET_NUM4)
    path = str(tmp_path / 'net.pth')
    network = save_random_checkpoint(config, path)
    check_checkpoint_fits(network, path, config)
    other = save_random_checkpoint(
        osp.join(repo_root, 'configs/dnanet/dnanet_num16_nudt.py'),
        str(tmp_path / 'num16.pth'))
    with pytest.raises(CheckpointMismatchError, match='shape'):
        check_checkpoint_fits(other, path, config)
