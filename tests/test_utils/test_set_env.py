"""``mmdsad::`` config paths: how MMRazor configs build our networks."""
import os.path as osp

import pytest
from mmengine.config import Config, ConfigDict
from mmengine.hub import get_config
from mmengine.registry import DefaultScope, init_default_scope
from mmrazor.registry import MODELS as RAZOR_MODELS
from mmseg.registry import MODELS as SEG_MODELS

import mmdsad
from mmdsad.utils import register_all_modules


def shapes(model):
    return {k: tuple(v.shape) for k, v in model.state_dict().items()}


@pytest.mark.parametrize('config', [
    'dnanet/dnanet_num4_nudt.py', 'amfunet/amfunet_num16_sirst.py',
    'dmfnet/dmfnet_num4_dsa_nudt.py'
])
def test_cfg_path_builds_the_network_of_the_config(repo_root, config):
    init_default_scope('mmrazor')
    built = RAZOR_MODELS.build(
        dict(cfg_path=f'mmdsad::{config}', pretrained=False))
    init_default_scope('mmseg')
    direct = SEG_MODELS.build(
        ConfigDict(Config.fromfile(osp.join(repo_root, 'configs',
                                            config)).model))
    assert type(built) is type(direct)
    assert shapes(built) == shapes(direct)


def test_config_is_read_from_the_installed_package():
    cfg = get_config('mmdsad::dnanet/dnanet_num16_nudt.py')
    package = osp.dirname(mmdsad.__file__)
    assert osp.realpath(cfg.filename) == osp.realpath(
        osp.join(package, '.mim', 'configs', 'dnanet',
                 'dnanet_num16_nudt.py'))
    assert cfg.model.backbone.channels == (16, 32, 64, 128, 256)


def test_register_all_modules_builds_in_mmseg_scope():
    with DefaultScope.overwrite_default_scope('mmdsad'):
        register_all_modules()
        assert DefaultScope.get_current_instance().scope_name == 'mmseg'
