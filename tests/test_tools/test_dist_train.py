"""Distributed distillation on CPU: tools/dist_train.sh, and two gloo
processes ending with the same student."""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

from mmdsad.datasets import make_synthetic_sirst

DSAD_CONFIG = 'configs/demo/dsad_dnanet_num16_num4_synthetic.py'
TEACHER_CONFIG = 'configs/demo/dnanet_num16_synthetic.py'
HELPER = osp.join('tests', 'test_tools', 'dist_student_weights.py')
# On CPU: gloo (the configs ask for nccl) and DDP without device ids. Two
# iterations of 32x32 crops, two images per process, the distillation loss
# from the first iteration (DSAD's warm-up hook would keep it at 0).
CPU = ['env_cfg.dist_cfg.backend=gloo', 'model_wrapper_cfg.device_ids=None']
OPTIONS = [
    *CPU, 'train_cfg.max_iters=2',
    'train_cfg.val_interval=2', 'train_cfg.val_begin=3',
    'default_hooks.checkpoint.interval=2',
    'default_hooks.checkpoint.save_best=None',
    'default_hooks.logger.interval=1', 'custom_hooks=[]',
    'train_dataloader.batch_size=2',
    'train_dataloader.dataset.pipeline.2.scale=(32,32)',
    'train_dataloader.dataset.pipeline.3.crop_size=(32,32)',
    'train_dataloader.dataset.pipeline.4.size=(32,32)'
]


@pytest.fixture(scope='module')
def setup(repo_root, tmp_path_factory, save_random_model):
    root = tmp_path_factory.mktemp('dist')
    data = str(root / 'data')
    make_synthetic_sirst(data, num_train=8, num_test=2, image_size=(64, 64))
    teacher_ckpt = save_random_model(
        osp.join(repo_root, TEACHER_CONFIG), root / 'teacher.pth')
    return root, data, teacher_ckpt


def run(repo_root, command):
    # One thread per process: two processes share the machine's cores.
    env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1',
               PYTHON=sys.executable)
    result = subprocess.run(command, cwd=repo_root, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, (result.stdout[-3000:] +
                                    result.stderr[-3000:])
    return result.stdout + result.stderr


def test_two_ranks_end_with_the_same_student(repo_root, setup):
    root, data, teacher_ckpt = setup
    work_dir = root / 'ranks'
    log = run(repo_root, [
        sys.executable, '-m', 'torch.distributed.run', '--standalone',
        '--nproc_per_node=2', HELPER, DSAD_CONFIG, '--launcher', 'pytorch',
        '--work-dir', str(work_dir), '--data-root', data, '--cfg-options',
        f'model.teacher_ckpt={teacher_ckpt}', *OPTIONS
    ])
    # Both ranks trained (each on its own shard of the data).
    assert 'Iter(train) [2/2]' in log and 'distill.loss_pwmse' in log
    rank0, rank1 = (torch.load(work_dir / f'student_rank{k}.pth',
                               weights_only=True) for k in (0, 1))
    assert rank0.keys() == rank1.keys()
    # BN running statistics are each rank's own after its last forward
    # (DDP broadcasts rank 0's before a forward, not after): compare the
    # trained parameters, all of them.
    statistics = [k for k in rank0 if k.endswith('running_mean')]
    params = [k for k in rank0 if not k.endswith(
        ('running_mean', 'running_var', 'num_batches_tracked'))]
    assert params and statistics
    for key in params:
        torch.testing.assert_close(rank0[key], rank1[key], rtol=0, atol=0)
    # The ranks saw different images, so equal parameters come from the
    # gradient all-reduce, not from identical runs.
    assert any(not torch.equal(rank0[k], rank1[k]) for k in statistics)


def test_dist_train_script_trains_on_two_processes(repo_root, setup):
    root, data, teacher_ckpt = setup
    work_dir = root / 'script'
    log = run(repo_root, [
        'bash', 'tools/dist_train.sh', DSAD_CONFIG, '2', '--work-dir',
        str(work_dir), '--data-root', data, '--cfg-options',
        f'model.teacher_ckpt={teacher_ckpt}', *OPTIONS
    ])
    # mmengine's environment report counts the processes as "GPU number".
    assert 'Distributed training: True' in log and 'GPU number: 2' in log
    assert (work_dir / 'iter_2.pth').exists()
    assert 'distill.loss_pwmse_encoder' in log
