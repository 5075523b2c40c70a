"""tools/analysis_tools/compare_distill.py: methods vs the student alone,
end to end on tiny synthetic data; --student and --distill variants are in
test_compare_distill_variants.py."""
import csv
import json
import math
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from mmdsad.datasets import make_synthetic_sirst
from mmdsad.datasets.val_split import carve_val_split
from mmdsad.utils import load_checkpoint_file
from mmdsad_experiments import method_configs
from mmdsad_experiments.distill_tuning import candidate_weights, choose_weight

TOOL = osp.join('tools', 'analysis_tools', 'compare_distill.py')
REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DATA_CONFIG = osp.join(REPO_ROOT, 'configs/_base_/datasets/synthetic_sirst.py')
# A config without loaders.
MODEL_CONFIG = osp.join(REPO_ROOT, 'configs/_base_/models/dnanet.py')


@pytest.fixture(scope='module')
def comparison(repo_root, tmp_path_factory, run_script, save_random_model,
               small_loaders):
    root = tmp_path_factory.mktemp('compare')
    data = str(root / 'data')
    make_synthetic_sirst(data, num_train=4, num_test=2, image_size=(64, 64))
    # A randomly initialised teacher: the test is about the tool.
    teacher_ckpt = save_random_model(
        osp.join(repo_root, 'configs/dnanet/dnanet_num16_nudt.py'),
        root / 'teacher.pth')
    command = [
        str(root / 'compare'), '--teacher-ckpt', teacher_ckpt, '--net',
        'dnanet', '--data', 'nudt', '--data-root', data, '--data-config',
        DATA_CONFIG, '--methods', 'kd', 'crosskd', '--seeds', '0', '--iters',
        '2', '--warmup-iters', '1', '--cfg-options', *small_loaders
    ]
    return root / 'compare', run_script(TOOL, *command), command


def test_every_method_is_trained_tested_and_tabulated(comparison):
    work_dir, printed, _ = comparison
    for variant in ('alone', 'kd', 'crosskd'):
        assert f'| {variant} |' in printed
        seed_dir = work_dir / variant / 'seed0'
        assert (seed_dir / 'test_metrics.json').exists()
        # The iteration schedule: two iterations, one checkpoint.
        assert (seed_dir / 'iter_2.pth').exists()
        assert 'Iter(train) [2/2]' in (seed_dir / 'train.log').read_text()
    assert 'distill.loss_kd' in (work_dir / 'kd' / 'seed0' /
                                 'train.log').read_text()
    assert 'distill.loss_crosskd' in (work_dir / 'crosskd' / 'seed0' /
                                      'train.log').read_text()
    with open(work_dir / 'summary.csv', encoding='utf-8') as f:
        rows = {row['variant']: row for row in csv.DictReader(f)}
    assert list(rows) == ['alone', 'kd', 'crosskd']
    # The cost column is there and well-formed; its value is a timing, which
    # the benchmark scripts measure (a loaded machine can make it anything).
    assert float(rows['alone']['cost_vs_alone_mean']) == pytest.approx(1.0)
    for variant in ('kd', 'crosskd'):
        for column in ('cost_vs_alone_mean', 'time_per_iter_mean'):
            value = float(rows[variant][column])
            assert math.isfinite(value) and value >= 0, column
    markdown = (work_dir / 'summary.md').read_text()
    assert 'cost vs alone' in markdown and 'IoU 0.05-0.95' in markdown


def test_rerun_reuses_finished_runs(comparison, assert_rerun_reuses):
    work_dir, printed, command = comparison
    assert_rerun_reuses(TOOL, command, printed,
                        work_dir / 'crosskd' / 'seed0' / 'train.log')


@pytest.mark.parametrize('bad, message', [
    (['--methods', 'kd', 'kd'], 'distinct'),
    (['--methods', 'kd', '--iters', '0'], '--iters'),
    (['--methods', 'kd', '--nproc', '2'], '--launcher pytorch'),
    (['--methods', 'kd', '--warmup-iters', '5'], '--warmup-iters needs'),
    (['--methods', 'kd', '--iters', '5', '--warmup-iters', '5'],
     '--warmup-iters needs'),
    (['--methods', 'kd', '--data-config', 'missing.py'], 'does not exist'),
    (['--methods', 'kd', '--data-config', MODEL_CONFIG], 'lacks'),
])
def test_bad_arguments_are_refused(
        repo_root, tmp_path, capsys, load_script, bad, message):
    tool = load_script(TOOL)
    # Any existing file passes the checkpoint's existence check.
    existing = osp.join(repo_root, TOOL)
    with pytest.raises(SystemExit):
        tool.parse_args([
            str(tmp_path), '--teacher-ckpt', existing, '--net', 'dnanet',
            '--data', 'nudt', *bad
        ])
    assert message in capsys.readouterr().err


def test_method_without_config_is_refused_with_the_expected_path(
        repo_root, tmp_path, capsys, load_script, monkeypatch):
    tool = load_script(TOOL)
    monkeypatch.setattr(method_configs, 'REPO_ROOT', str(tmp_path))
    with pytest.raises(SystemExit):
        tool.parse_args([
            str(tmp_path), '--teacher-ckpt',
            osp.join(repo_root, TOOL), '--net', 'dnanet', '--data', 'nudt',
            '--methods', 'crosskd'
        ])
    assert 'configs/distill/crosskd_dnanet_num16_num4_nudt.py' in (
        capsys.readouterr().err)


def test_run_configs_use_the_data_config_and_the_warmup(comparison):
    work_dir = comparison[0]
    cfg = Config.fromfile(str(work_dir / 'configs' / 'crosskd.py'))
    assert cfg.model.type == 'CrossKDDistill'
    # The demo's loaders replace NUDT-SIRST's (its infinite sampler).
    assert cfg.train_dataloader.sampler.type == 'InfiniteSampler'
    assert [s.type for s in cfg.param_scheduler
            ] == ['LinearLR', 'CosineAnnealingLR']
    assert cfg.param_scheduler[1].begin == 1 and cfg.train_cfg.max_iters == 2


@pytest.fixture(scope='module')
def tuning(repo_root, tmp_path_factory, run_script, save_random_model,
           small_loaders):
    root = tmp_path_factory.mktemp('tune')
    data = str(root / 'data')
    make_synthetic_sirst(data, num_train=5, num_test=2, image_size=(64, 64))
    teacher_ckpt = save_random_model(
        osp.join(repo_root, 'configs/dnanet/dnanet_num16_nudt.py'),
        root / 'teacher.pth')
    command = [
        str(root / 'compare'), '--teacher-ckpt', teacher_ckpt, '--net',
        'dnanet', '--data', 'nudt', '--data-root', data, '--data-config',
        DATA_CONFIG, '--methods', 'nst', '--seeds', '1', '--iters', '2',
        '--warmup-iters', '1', '--tune', '--jobs', '2', '--cfg-options',
        *small_loaders
    ]
    return root / 'compare', run_script(TOOL, *command), command, data


def test_tuning_chooses_the_best_validation_weight(tuning, repo_root):
    work_dir, printed, _, _ = tuning
    tune_dir = work_dir / 'tune'
    ratio = json.loads((tune_dir / 'gradients' / 'nst.json').read_text())[
        'distill (all)']['vs_task']
    # The candidates surround the reference weights (factor 1), not the
    # weight tuned into the method's config, and the gradient ratio was
    # measured there.
    configured = Config.fromfile(
        osp.join(repo_root, 'configs', 'distill',
                 'nst_dnanet_num16_num4_nudt.py')).model.distill_loss_weight
    assert configured != 1
    measured_at = Config.fromfile(
        str(tune_dir / 'configs' / 'nst_val_split.py')).model
    assert measured_at.distill_loss_weight == 1
    candidates = candidate_weights(ratio)
    assert 1.0 in candidates
    val = {
        w: json.loads((tune_dir / f'nst@{w:g}' / 'seed0' /
                       'test_metrics.json').read_text())
        for w in candidates
    }
    chosen = choose_weight(val)
    tuned = Config.fromfile(
        str(work_dir / 'tuned_configs' / 'nst_dnanet_num16_num4_nudt.py'))
    assert tuned.model.distill_loss_weight == chosen
    assert (tune_dir / 'alone' / 'seed0' / 'test_metrics.json').exists()
    assert f'nst@{candidates[0]:g}' not in printed.split('| variant')[-1]
    assert f'| nst ×{chosen:g} |' in printed
    assert 'chosen' in (tune_dir / 'tuning.md').read_text()
    # The final run trains the tuned config on the seed asked for.
    final = Config.fromfile(str(work_dir / 'configs' / 'nst.py'))
    assert final.model.distill_loss_weight == chosen
    assert 'distill_loss_weight' in (work_dir / 'nst' / 'seed1' /
                                     'train.log').read_text()


def test_tuning_runs_never_see_the_test_split(tuning):
    work_dir, _, _, data = tuning
    cfg = Config.fromfile(
        str(work_dir / 'tune' / 'configs' / 'nst_val_split.py'))
    split = dict(fraction=0.2, seed=0)
    assert cfg.train_dataloader.dataset.val_split == dict(
        split, subset='train')
    for loader in (cfg.val_dataloader, cfg.test_dataloader):
        assert loader.dataset.ann_file == '50_50/train.txt'
        assert loader.dataset.val_split == dict(split, subset='val')
    ids = {
        name: set(
            open(osp.join(data, '50_50', f'{name}.txt')).read().split())
        for name in ('train', 'test')
    }
    _, held_out = carve_val_split(
        open(osp.join(data, '50_50', 'train.txt')).read().split(), 0.2, 0)
    assert held_out and set(held_out) <= ids['train']
    assert not set(held_out) & ids['test']


def test_tuning_rerun_reuses_and_refuses_other_settings(
        tuning, run_script, script_process):
    work_dir, printed, command, _ = tuning
    table = printed[printed.rindex('| variant'):]
    assert run_script(TOOL, *command).endswith(table)
    other = script_process(TOOL, *command, '--val-fraction', '0.5')
    assert other.returncode != 0
    assert 'holds a tuning' in other.stdout + other.stderr


def test_distillation_still_off_trains_exactly_the_student_alone(comparison):
    # Two iterations are inside every method's distillation warm-up (off
    # for 50): KD's student must then be the student alone, weight for
    # weight, since at one seed both start alike and see the same data.
    work_dir = comparison[0]

    def student(variant, prefix=''):
        state = load_checkpoint_file(
            str(work_dir / variant / 'seed0' / 'iter_2.pth'))['state_dict']
        return {
            name[len(prefix):]: value
            for name, value in state.items() if name.startswith(prefix)
        }

    alone = student('alone')
    kd = student('kd', 'architecture.')
    assert kd.keys() == alone.keys()
    for name, value in kd.items():
        torch.testing.assert_close(value, alone[name], rtol=0, atol=1e-6)
