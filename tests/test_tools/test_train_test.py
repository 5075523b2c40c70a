"""tools/train.py and tools/test.py end to end on a tiny synthetic set."""
import glob
import json
import os.path as osp
import subprocess
import sys

import pytest
import torch

from mmdsad.datasets import make_synthetic_sirst

CONFIG = 'configs/demo/dnanet_num4_synthetic.py'
SHORT_RUN = [
    'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
    'train_dataloader.persistent_workers=False',
    'val_dataloader.num_workers=0', 'val_dataloader.persistent_workers=False',
    'test_dataloader.num_workers=0',
    'test_dataloader.persistent_workers=False'
]


def run_tool(repo_root, *args):
    result = subprocess.run([sys.executable, *args],
                            cwd=repo_root,
                            capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[
        -3000:]
    return result


@pytest.fixture(scope='module')
def trained_run(repo_root, tmp_path_factory):
    root = tmp_path_factory.mktemp('tools')
    data_root = str(root / 'data')
    make_synthetic_sirst(
        data_root, num_train=4, num_test=2, image_size=(64, 64), seed=1)
    work_dir = str(root / 'run')
    run_tool(repo_root, 'tools/train.py', CONFIG, '--work-dir', work_dir,
             '--data-root', data_root, '--cfg-options',
             'train_cfg.max_iters=2', 'train_cfg.val_interval=2',
             'default_hooks.checkpoint.interval=2', *SHORT_RUN)
    return data_root, work_dir


def test_train_writes_checkpoint_and_validates(trained_run):
    _, work_dir = trained_run
    assert osp.isfile(osp.join(work_dir, 'iter_2.pth'))
    logs = glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))
    lines = [json.loads(line) for line in open(logs[0])]
    assert any('IoU' in line and 'Fa_1e-6' in line for line in lines)


def test_test_reports_metrics_and_overlays(repo_root, trained_run):
    data_root, work_dir = trained_run
    metrics_file = osp.join(work_dir, 'metrics.json')
    run_tool(repo_root, 'tools/test.py', CONFIG,
             osp.join(work_dir, 'iter_2.pth'), '--work-dir', work_dir,
             '--data-root', data_root, '--show-dir', 'overlays',
             '--metrics-out', metrics_file, '--cfg-options', *SHORT_RUN)
    metrics = json.load(open(metrics_file))
    assert {'IoU', 'nIoU', 'Pd', 'Fa_1e-6'} <= set(metrics)
    overlays = glob.glob(
        osp.join(work_dir, 'overlays', '**', '*.png'), recursive=True)
    assert len(overlays) == 2


def test_test_reports_hse_beside_the_other_metrics(repo_root, trained_run):
    data_root, work_dir = trained_run
    metrics_file = osp.join(work_dir, 'metrics_hse.json')
    result = run_tool(repo_root, 'tools/test.py', CONFIG,
                      osp.join(work_dir, 'iter_2.pth'), '--work-dir',
                      work_dir, '--data-root', data_root, '--metrics-out',
                      metrics_file, '--cfg-options', *SHORT_RUN,
                      'test_evaluator.hse=True',
                      'test_evaluator.thresholds=[0.3,0.7]')
    metrics = json.load(open(metrics_file))
    assert {'IoU', 'nIoU', 'Pd', 'Fa_1e-6', 'IoU@0.30', 'HSE', 'HSE_pixel',
            'HSE_target'} <= set(metrics)
    assert 'HSE (mmdsad definition' in result.stdout + result.stderr


def test_resume_continues_from_own_work_dir(repo_root, trained_run):
    data_root, work_dir = trained_run
    run_tool(repo_root, 'tools/train.py', CONFIG, '--work-dir', work_dir,
             '--data-root', data_root, '--resume', '--cfg-options',
             'train_cfg.max_iters=3', 'train_cfg.val_interval=3',
             'default_hooks.checkpoint.interval=1', *SHORT_RUN)
    checkpoint = torch.load(
        osp.join(work_dir, 'iter_3.pth'), map_location='cpu',
        weights_only=False)
    assert checkpoint['meta']['iter'] == 3


def test_test_refuses_full_checkpoint_from_elsewhere(repo_root, trained_run,
                                                     tmp_path):
    data_root, work_dir = trained_run
    checkpoint = sorted(glob.glob(osp.join(work_dir, 'iter_*.pth')))[-1]
    result = subprocess.run([
        sys.executable, 'tools/test.py', CONFIG, checkpoint, '--work-dir',
        str(tmp_path / 'other'), '--data-root', data_root, '--cfg-options',
        *SHORT_RUN
    ],
                            cwd=repo_root,
                            capture_output=True,
                            text=True)
    assert result.returncode != 0
    assert 'to_weights_only.py' in result.stderr


def test_data_root_must_exist(repo_root, tmp_path):
    result = subprocess.run([
        sys.executable, 'tools/train.py', CONFIG, '--data-root',
        str(tmp_path / 'missing'), '--work-dir',
        str(tmp_path / 'w')
    ],
                            cwd=repo_root,
                            capture_output=True,
                            text=True)
    assert result.returncode != 0
    assert 'missing is not a directory' in result.stderr


def test_get_flops_prints_paper_figures(repo_root):
    result = run_tool(repo_root, 'tools/analysis_tools/get_flops.py',
                      'configs/dnanet/dnanet_num4_nudt.py', '--shape', '256')
    assert 'Params: 0.298' in result.stdout
    assert 'Flops (MACs): 0.96' in result.stdout
