"""tools/analysis_tools/inspect_outputs.py: per-output IoU and sign lock."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from mmdsad.datasets import make_synthetic_sirst
from mmdsad.utils.weights_only import save_weights_only

TOOL = osp.join('tools', 'analysis_tools', 'inspect_outputs.py')
CONFIG = 'configs/demo/dnanet_num4_synthetic.py'


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp('inspect') / 'data'
    make_synthetic_sirst(str(root), num_train=2, num_test=1,
                         image_size=(32, 32))
    return str(root)


def student(repo_root, tmp_path, lock: bool, distilled: bool = False) -> str:
    init_default_scope('mmseg')
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(osp.join(repo_root, CONFIG)).model)
    model.init_weights()
    classifier = model.decode_head.classifiers[-1]
    with torch.no_grad():
        classifier.weight.copy_(
            -classifier.weight.abs() if lock else classifier.weight.abs())
        classifier.bias.fill_(-0.25)
    state = model.state_dict()
    if distilled:
        # A distillation checkpoint: the student under architecture., the
        # teacher beside it.
        state = {f'architecture.{k}': v for k, v in state.items()}
        state['teacher.decode_head.classifiers.3.bias'] = torch.zeros(1)
    path = str(tmp_path / 'student.pth')
    save_weights_only(state, {}, path)
    return path


@pytest.mark.parametrize('lock, distilled', [(True, True), (False, False)])
def test_reports_every_output_and_the_sign_lock(
        repo_root, tmp_path, data, run_script, lock, distilled):
    printed = run_script(TOOL, CONFIG,
                         student(repo_root, tmp_path, lock, distilled),
                         '--data-root', data)
    assert 'on 50_50/train.txt' in printed
    per_output = printed.split('IoU at 0.5 per output (last predicts): ')[1]
    assert len(per_output.splitlines()[0].split(' / ')) == 4
    assert 'bias -0.250' in printed
    assert f'sign-locked (every weight <= 0 on an input >= 0, so no logit ' \
           f'exceeds the bias -0.250): {"yes" if lock else "no"}' in printed
    if lock:
        # Nothing can fire: the largest target logit is at most the bias.
        largest = float(printed.split('largest logit at a target pixel: ')
                        [1].split(';')[0])
        assert largest <= -0.25 + 1e-6
        assert per_output.split(' / ')[-1].startswith('0.00')


def test_a_wrong_classifier_lists_the_closest_names(
        repo_root, tmp_path, data, script_process):
    result = script_process(TOOL, CONFIG, student(repo_root, tmp_path, True),
                            '--data-root', data, '--classifier',
                            'decode_head.clasifiers.3')
    assert result.returncode != 0
    assert 'decode_head.classifiers.3' in result.stderr
