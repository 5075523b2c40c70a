"""The main job through the tools: train a teacher, distil, export, test."""
import json
import os.path as osp

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


@pytest.fixture(scope='module')
def distilled(tmp_path_factory, run_script, script_process):
    root = tmp_path_factory.mktemp('distill')
    data = str(root / 'data')
    make_synthetic_sirst(data, num_train=4, num_test=2, image_size=(64, 64))
    run_script('tools/train.py', TEACHER_CONFIG, '--work-dir',
               str(root / 'teacher'), '--data-root', data, '--cfg-options',
               *ONE_ITER)
    teacher = str(root / 'teacher_weights.pth')
    run_script('tools/model_converters/to_weights_only.py',
               str(root / 'teacher' / 'iter_1.pth'), teacher)
    # The training log goes to stderr as well as stdout.
    run = script_process('tools/train.py', DSAD_CONFIG, '--work-dir',
                         str(root / 'dsad'), '--data-root', data,
                         '--cfg-options', f'model.teacher_ckpt={teacher}',
                         *ONE_ITER)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
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


def test_exported_student_loads_with_student_config(distilled, run_script):
    root, data, _, _ = distilled
    student = str(root / 'student.pth')
    run_script('tools/model_converters/to_weights_only.py',
               str(root / 'dsad' / 'iter_1.pth'), student, '--strip-prefix',
               'architecture.')
    state = torch.load(student, weights_only=True)['state_dict']
    assert all(k.startswith(('backbone.', 'decode_head.')) for k in state)
    metrics_file = str(root / 'student_metrics.json')
    # A work dir elsewhere: the weights-only file needs no trust.
    run_script('tools/test.py', STUDENT_CONFIG, student, '--work-dir',
               str(root / 'eval'), '--data-root', data, '--metrics-out',
               metrics_file)
    assert {'IoU', 'nIoU', 'Pd', 'Fa_1e-6'} <= set(json.load(
        open(metrics_file)))


def test_wrong_width_teacher_stops_before_training(distilled, run_script,
                                                    script_process):
    root, data, _, _ = distilled
    student_as_teacher = str(root / 'num4_as_teacher.pth')
    run_script('tools/model_converters/to_weights_only.py',
               str(root / 'dsad' / 'iter_1.pth'), student_as_teacher,
               '--strip-prefix', 'architecture.')
    result = script_process('tools/train.py', DSAD_CONFIG, '--work-dir',
                            str(root / 'refused'), '--data-root', data,
                            '--cfg-options',
                            f'model.teacher_ckpt={student_as_teacher}',
                            *ONE_ITER)
    assert result.returncode != 0
    assert 'does not match the teacher config' in result.stderr
    assert not osp.exists(osp.join(root, 'refused', 'iter_1.pth'))
