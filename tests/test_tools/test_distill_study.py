"""tools/analysis_tools/distill_study.py: alone vs distilled, over seeds."""
import os.path as osp

import pytest

from mmdsad.datasets import make_synthetic_sirst

STUDY = osp.join('tools', 'analysis_tools', 'distill_study.py')
TEACHER_CONFIG = 'configs/demo/dnanet_num16_synthetic.py'
STUDENT_CONFIG = 'configs/demo/dnanet_num4_synthetic.py'
DSAD_CONFIG = 'configs/demo/dsad_dnanet_num16_num4_synthetic.py'
UNIFORM_CONFIG = ('configs/demo/'
                  'dsad_uniform_weights_dnanet_num16_num4_synthetic.py')
ONE_ITER = [
    'train_cfg.max_iters=1', 'train_cfg.val_interval=1',
    'default_hooks.checkpoint.interval=1', 'train_dataloader.batch_size=2'
]


@pytest.fixture(scope='module')
def study(tmp_path_factory, run_script):
    root = tmp_path_factory.mktemp('study')
    data = str(root / 'data')
    make_synthetic_sirst(data, num_train=4, num_test=2, image_size=(64, 64))
    run_script('tools/train.py', TEACHER_CONFIG, '--work-dir',
               str(root / 'teacher'), '--data-root', data, '--cfg-options',
               *ONE_ITER)
    teacher = str(root / 'teacher.pth')
    run_script('tools/model_converters/to_weights_only.py',
               str(root / 'teacher' / 'iter_1.pth'), teacher)
    command = [
        str(root / 'study'), '--student', STUDENT_CONFIG, '--distill', 'dsad',
        DSAD_CONFIG, '--distill', 'uniform', UNIFORM_CONFIG, '--teacher-ckpt',
        teacher, '--data-root', data, '--seeds', '0', '--cfg-options',
        *ONE_ITER
    ]
    return root / 'study', run_script(STUDY, *command), command


def test_every_variant_is_trained_tested_and_summarised(study):
    work_dir, printed, _ = study
    for variant in ('alone', 'dsad', 'uniform'):
        assert f'| {variant} |' in printed
        assert (work_dir / variant / 'seed0' / 'test_metrics.json').exists()
        assert (work_dir / variant / 'seed0' / 'train.log').exists()
    summary = (work_dir / 'summary.csv').read_text().splitlines()
    assert summary[0].startswith('variant,IoU_mean,IoU_std')
    assert [line.split(',')[0] for line in summary[1:]] == [
        'alone', 'dsad', 'uniform'
    ]
    assert (work_dir / 'summary.md').read_text().startswith('| variant |')


def test_rerun_reuses_finished_runs(study, run_script):
    work_dir, printed, command = study
    log = work_dir / 'dsad' / 'seed0' / 'train.log'
    before = log.stat().st_mtime_ns
    table = printed[printed.index('| variant'):]
    assert run_script(STUDY, *command).endswith(table)
    assert log.stat().st_mtime_ns == before


@pytest.mark.parametrize('bad', [
    ['--distill', 'alone', DSAD_CONFIG],
    ['--distill', 'dsad'],
    ['--distill', 'a', DSAD_CONFIG, '--distill', 'a', DSAD_CONFIG],
    ['--distill', 'a', 'configs/demo/missing.py'],
])
def test_bad_arguments_are_refused(repo_root, tmp_path, load_script, bad):
    study = load_script(STUDY)
    with pytest.raises(SystemExit):
        study.parse_args([
            str(tmp_path), '--student', osp.join(repo_root, STUDENT_CONFIG),
            '--teacher-ckpt', osp.join(repo_root, STUDENT_CONFIG), *bad
        ])
