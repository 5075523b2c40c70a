"""tools/analysis_tools/compare_distill.py with an explicit student config
and --distill variants (their own configs and overrides), over seeds."""
import csv
import os.path as osp

import pytest

from mmdsad.datasets import make_synthetic_sirst

TOOL = osp.join('tools', 'analysis_tools', 'compare_distill.py')
TEACHER_CONFIG = 'configs/demo/dnanet_num16_synthetic.py'
STUDENT_CONFIG = 'configs/demo/dnanet_num4_synthetic.py'
DSAD_CONFIG = 'configs/demo/dsad_dnanet_num16_num4_synthetic.py'
DATA_CONFIG = 'configs/_base_/datasets/synthetic_sirst.py'
# DSAD's config with both of its losses off: a variant by overrides.
NO_KD = [
    f'model.distiller.distill_losses.loss_pwmse_{layer}.loss_weight=0'
    for layer in ('encoder', 'decoder')
]


@pytest.fixture(scope='module')
def study(repo_root, tmp_path_factory, run_script, save_random_model,
          small_loaders):
    root = tmp_path_factory.mktemp('variants')
    data = str(root / 'data')
    make_synthetic_sirst(data, num_train=4, num_test=2, image_size=(64, 64))
    # A randomly initialised teacher: the test is about the tool.
    teacher = save_random_model(
        osp.join(repo_root, TEACHER_CONFIG), root / 'teacher.pth')
    command = [
        str(root / 'study'), '--student', STUDENT_CONFIG, '--distill', 'dsad',
        DSAD_CONFIG, '--distill', 'no_kd', DSAD_CONFIG, *NO_KD,
        '--teacher-ckpt', teacher, '--data-root', data, '--data-config',
        DATA_CONFIG, '--seeds', '0', '--iters', '1', '--cfg-options',
        *small_loaders
    ]
    return root / 'study', run_script(TOOL, *command), command


def test_every_variant_is_trained_tested_and_summarised(study):
    work_dir, printed, _ = study
    assert f'student {STUDENT_CONFIG}, teacher' in printed
    for variant in ('alone', 'dsad', 'no_kd'):
        assert f'| {variant} |' in printed
        assert (work_dir / variant / 'seed0' / 'test_metrics.json').exists()
    # A variant's overrides reach its training, and only its.
    assert NO_KD[0] in (work_dir / 'no_kd' / 'seed0' / 'train.log').read_text()
    assert NO_KD[0] not in (work_dir / 'dsad' / 'seed0' /
                            'train.log').read_text()
    with open(work_dir / 'summary.csv', encoding='utf-8') as f:
        rows = [row['variant'] for row in csv.DictReader(f)]
    assert rows == ['alone', 'dsad', 'no_kd']
    assert (work_dir / 'summary.md').read_text().startswith('| variant |')


def test_rerun_reuses_finished_runs(study, assert_rerun_reuses):
    work_dir, printed, command = study
    assert_rerun_reuses(TOOL, command, printed,
                        work_dir / 'dsad' / 'seed0' / 'train.log')


@pytest.mark.parametrize('bad, message', [
    ([], 'give --methods, --distill or both'),
    (['--distill', 'alone', DSAD_CONFIG], 'is the student alone'),
    (['--distill', 'dsad'], '--distill takes NAME CONFIG'),
    (['--distill', 'a', DSAD_CONFIG, '--distill', 'a', DSAD_CONFIG],
     'distinct'),
    (['--distill', 'a', 'configs/demo/missing.py'], 'does not exist'),
    (['--distill', 'a', DSAD_CONFIG, '--tune'], '--tune chooses'),
    (['--methods', 'kd'], '--net and --data are needed'),
])
def test_bad_variants_are_refused(repo_root, tmp_path, capsys, load_script,
                                  monkeypatch, bad, message):
    tool = load_script(TOOL)
    # The configs' paths are relative to the repository root.
    monkeypatch.chdir(repo_root)
    with pytest.raises(SystemExit):
        tool.parse_args([
            str(tmp_path), '--student', STUDENT_CONFIG, '--teacher-ckpt',
            STUDENT_CONFIG, *bad
        ])
    assert message in capsys.readouterr().err


def test_the_default_student_needs_the_network_and_data(
        repo_root, tmp_path, capsys, load_script, monkeypatch):
    tool = load_script(TOOL)
    monkeypatch.chdir(repo_root)
    with pytest.raises(SystemExit):
        tool.parse_args([
            str(tmp_path), '--teacher-ckpt', STUDENT_CONFIG, '--distill', 'a',
            DSAD_CONFIG
        ])
    assert 'or pass --student' in capsys.readouterr().err
