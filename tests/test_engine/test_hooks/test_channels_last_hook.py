"""ChannelsLastHook: weights and batches channels-last, same results."""
import copy
from types import SimpleNamespace

import torch
from mmengine.config import Config, ConfigDict
from mmengine.registry import init_default_scope
from mmseg.registry import HOOKS, MODELS

from mmdsad.engine.hooks import ChannelsLastHook

CONFIG = 'configs/demo/dnanet_num4_synthetic.py'


def test_model_and_inputs_become_channels_last_results_stay(
        repo_root, labelled_batch):
    init_default_scope('mmseg')
    torch.manual_seed(0)
    model = MODELS.build(
        ConfigDict(Config.fromfile(f'{repo_root}/{CONFIG}').model))
    model.init_weights()
    model.eval()
    reference = copy.deepcopy(model)
    seen = []
    model.backbone.conv0_0.register_forward_pre_hook(
        lambda module, args: seen.append(args[0]))
    HOOKS.build(dict(type='ChannelsLastHook')).before_run(
        SimpleNamespace(model=model))
    weight = model.backbone.conv0_0[0].conv1.weight
    assert weight.is_contiguous(memory_format=torch.channels_last)
    data = model.data_preprocessor(labelled_batch(size=32), False)
    with torch.no_grad():
        out = model(**data, mode='tensor')
        expected = reference(**data, mode='tensor')
    assert seen[0].is_contiguous(memory_format=torch.channels_last)
    for ours, theirs in zip(out, expected):
        torch.testing.assert_close(ours, theirs, rtol=1e-4, atol=1e-5)


def test_running_twice_registers_one_input_hook(repo_root):
    model = torch.nn.Conv2d(1, 1, 1)
    hook = ChannelsLastHook()
    for _ in range(2):
        hook.before_run(SimpleNamespace(model=model))
    assert len(model._forward_pre_hooks) == 1
