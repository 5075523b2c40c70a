"""The main job through the tools: train a teacher, distil, export, test."""
import json
import os.path as osp
import subprocess
import sys

import pytest
import torch

from mmdsad.datasets import make_synthetic_sirst

TEACHER_CONFIG = 'configs/demo/dnanet_num16_synthetic.py'
STUDENT_CONFIG = 'configs/demo/dnanet_num4_synthetic.py'
DSAD_CONFIG = 'configs/demo/dsad_dnanet_num16_num4_synthetic.py'
ONE_ITER = [
    'train_cfg.max_iters=1', 'train_cfg.val_interval=1',
    'default_hooks.checkpoint.interval=1', 'default_hooks.logger.interval=1',
    'train_dataloader.batch_size=2'
]


def tool(repo_root, *args, check=True):
    result = subprocess.run([sys.executable, *args],
                            cwd=repo_root,
                            capture_output=True,
                            text=True)
    if check:
        assert result.returncode == 0, (result.stdout[-3000:] +
                                        result.stderr[-3000:])
    return result


@pytest.fixture(scope='module')
def distilled(repo_root, tmp_path_factory):
    root = tmp_path_factory.mktemp('distill')
    data = str(root / 'data')
    make_synthetic_sirst(data, num_train=4, num_test=2, image_size=(64, 64))
    tool(repo_root, 'tools/train.py', TEACHER_CONFIG, '--work-dir',
         str(root / 'teacher'), '--data-root', data, '--cfg-options',
         *ONE_ITER)
    teacher = str(root / 'teacher_weights.pth')
    tool(repo_root, 'tools/model_converters/to_weights_only.py',
         str(root / 'teacher' / 'iter_1.pth'), teacher)
    run = tool(repo_root, 'tools/train.py', DSAD_CONFIG, '--work-dir',
               str(root / 'dsad'), '--data-root', data, '--cfg-options',
               f'model.teacher_ckpt={teacher}', *ONE_ITER)
    return root, data, teacher, run.stdout + run.stderr


def test_validation_reports_student_and_teacher(distilled):
    root, _, _, log = distilled
    assert 'distill.loss_pwmse_encoder' in log
    scalars = open(
        next((root / 'dsad').glob('*/vis_data/scalars.json'))).read()
    metrics = json.loads(scalars.strip().splitlines()[-1])
    for key in ('IoU', 'nIoU', 'Pd', 'Fa_1e-6'):
        assert key in metrics and f'teacher.{key}' in metrics
    assert (root / 'dsad' / 'best_IoU_iter_1.pth').exists()


def test_exported_student_loads_with_student_config(repo_root, distilled):
    root, data, _, _ = distilled
    student = str(root / 'student.pth')
    tool(repo_root, 'tools/model_converters/to_weights_only.py',
         str(root / 'dsad' / 'iter_1.pth'), student, '--strip-prefix',
         'architecture.')
    state = torch.load(student, weights_only=True)['state_dict']
    assert all(k.startswith(('backbone.', 'decode_head.')) for k in state)
    metrics_file = str(root / 'student_metrics.json')
    # A work dir elsewhere: the weights-only file needs no trust.
    tool(repo_root, 'tools/test.py', STUDENT_CONFIG, student, '--work-dir',
         str(root / 'eval'), '--data-root', data, '--metrics-out',
         metrics_file)
    assert {'IoU', 'nIoU', 'Pd', 'Fa_1e-6'} <= set(json.load(
        open(metrics_file)))


def test_wrong_width_teacher_stops_before_training(repo_root, distilled):
    root, data, _, _ = distilled
    student_as_teacher = str(root / 'num4_as_teacher.pth')
    tool(repo_root, 'tools/model_converters/to_weights_only.py',
         str(root / 'dsad' / 'iter_1.pth'), student_as_teacher,
         '--strip-prefix', 'architecture.')
    result = tool(
        repo_root,
        'tools/train.py',
        DSAD_CONFIG,
        '--work-dir',
        str(root / 'refused'),
        '--data-root',
        data,
        '--cfg-options',
        f'model.teacher_ckpt={student_as_teacher}',
        *ONE_ITER,
        check=False)
    assert result.returncode != 0
    assert 'does not match the teacher config' in result.stderr
    assert not osp.exists(osp.join(root, 'refused', 'iter_1.pth'))
