"""tools/analysis_tools/reproduce.py: a Table 1 row end to end on tiny
synthetic data, its resumption, its schedule and its refusals."""
import glob
import json
import math
import os.path as osp

import pytest
from mmengine.config import Config

from mmdsad.datasets import make_synthetic_sirst

TOOL = osp.join('tools', 'analysis_tools', 'reproduce.py')
# The paper's IoU of each row (docs/paper-numbers.md, DNANet on NUDT-SIRST).
PAPER_IOU = dict(teacher='86.13', alone='79.68', dsad='84.79')
VALID = ['--net', 'dnanet', '--data', 'nudt', '--work-dir', 'w']


@pytest.fixture(scope='module')
def reproduction(tmp_path_factory, run_script, small_loaders):
    root = tmp_path_factory.mktemp('reproduce')
    data = str(root / 'data')
    make_synthetic_sirst(data, num_train=4, num_test=2, image_size=(32, 32))
    command = [
        '--net', 'dnanet', '--data', 'nudt', '--epochs', '1', '--work-dir',
        str(root / 'repro'), '--seeds', '0', '--data-root', data,
        '--threads', '1', '--cfg-options', *small_loaders
    ]
    return root / 'repro', run_script(TOOL, *command), command


def table_rows(printed: str) -> dict:
    """The cells of the first table's rows, by model."""
    lines = printed[printed.index('| model |'):].split('\n\n')[0]
    return {
        cells[0]: cells[1:]
        for cells in ([c.strip() for c in line.strip('|').split('|')]
                      for line in lines.splitlines()[2:])
    }


def training_config(run_dir) -> Config:
    """The config a run trained with: mmengine's first dump of it (the
    test's comes after)."""
    return Config.fromfile(
        sorted(glob.glob(str(run_dir / '*' / 'vis_data' / 'config.py')))[0])


def test_table_puts_ours_beside_the_papers_row(reproduction):
    work_dir, printed, _ = reproduction
    rows = table_rows(printed)
    assert list(rows) == ['teacher', 'alone', 'dsad']
    with open(work_dir / 'summary.json', encoding='utf-8') as f:
        summary = json.load(f)
    for name, paper_iou in PAPER_IOU.items():
        iou, paper, *_, speed = rows[name]
        assert paper == paper_iou
        assert float(iou) == pytest.approx(summary['ours'][name]['IoU'][0],
                                           abs=0.005)
        # A timing: well-formed, never compared to anything.
        assert math.isfinite(float(speed)) and float(speed) > 0
    assert rows['teacher'][4] == '98.52'  # the paper's Pd
    assert 'Schedule of each training: epochs 1, iterations 4, batch 1.' in (
        printed)
    assert summary['schedules'] == [dict(batch=1, epochs=1, iters=4)]
    assert summary['device'] and f'Device: {summary["device"]}.' in printed
    # compare_distill.py's table of the students follows.
    assert '| dsad |' in printed and 'ΔIoU vs alone' in printed


def test_every_step_leaves_its_result(reproduction):
    work_dir, printed, _ = reproduction
    assert (work_dir / 'teacher' / 'teacher_weights.pth').exists()
    for name in PAPER_IOU:
        with open(work_dir / name / 'seed0' / 'test_metrics.json',
                  encoding='utf-8') as f:
            iou = json.load(f)['IoU']
        with open(work_dir / 'summary.json', encoding='utf-8') as f:
            assert json.load(f)['runs'][name]['0']['IoU'] == iou
    markdown = (work_dir / 'summary.md').read_text(encoding='utf-8')
    assert markdown.strip() in printed


def test_epochs_set_the_whole_schedule(reproduction):
    work_dir = reproduction[0]
    cfg = training_config(work_dir / 'alone' / 'seed0')
    assert cfg.train_cfg.max_epochs == 1 and cfg.train_cfg.val_interval == 1
    assert cfg.default_hooks.checkpoint.interval == 1
    assert (cfg.param_scheduler[0].T_max, cfg.param_scheduler[0].end) == (1,
                                                                          1)
    dsad = training_config(work_dir / 'dsad' / 'seed0')
    assert dsad.model.teacher_ckpt == str(work_dir / 'teacher' /
                                          'teacher_weights.pth')


def test_rerun_retrains_nothing(reproduction, run_script):
    work_dir, printed, command = reproduction
    logs = [
        work_dir / name / 'seed0' / log for name in PAPER_IOU
        for log in ('train.log', 'test.log')
    ]
    before = [log.stat().st_mtime_ns for log in logs]
    # One re-run for two checks: a missing result (the teacher's weights)
    # is redone, finished steps are not.
    weights = work_dir / 'teacher' / 'teacher_weights.pth'
    weights.unlink()
    again = run_script(TOOL, *command)
    assert 'to_weights_only.py' in again and weights.exists()
    assert [log.stat().st_mtime_ns for log in logs] == before
    assert again[again.index('| model'):] == printed[printed.index('| model'):]


def test_schedule_options_stretch_the_recipe(repo_root, load_script):
    tool = load_script(TOOL)
    cosine = osp.join(repo_root, 'configs/dnanet/dnanet_num4_nudt.py')
    assert tool.schedule_options(cosine, 75) == (
        'train_cfg.max_epochs=75', 'train_cfg.val_interval=50',
        'default_hooks.checkpoint.interval=50', 'param_scheduler.0.end=75',
        'param_scheduler.0.T_max=75')
    # AMFU-Net's recipe holds its rate: no scheduler to stretch.
    constant = osp.join(repo_root, 'configs/amfunet/amfunet_num4_nudt.py')
    assert len(tool.schedule_options(constant, 3)) == 3
    assert tool.schedule_options(cosine, None) == ()


def test_paper_rows(load_script):
    tool = load_script(TOOL)
    assert tool.paper_row('dsad', 'dmfnet', 'sirst') == {
        'IoU': 74.16, 'Pd': 96.20, 'Fa_1e-5': 1.33}
    assert tool.paper_row('kd', 'dnanet', 'sirst') == {'IoU': 74.38}
    # The paper compares the methods on DNANet only.
    assert tool.paper_row('kd', 'amfunet', 'nudt') == {}


@pytest.mark.parametrize('bad, message', [
    (['--net', 'unet'], "invalid choice: 'unet'"),
    (['--data', 'nuaa'], "invalid choice: 'nuaa'"),
    (['--epochs', '0'], '--epochs must be >= 1'),
    (['--seeds', '1', '1'], '--seeds must be distinct'),
    (['--methods', 'dsad'], "invalid choice: 'dsad'"),
    (['--threads', '0'], '--threads must be >= 1'),
])
def test_bad_arguments_are_refused(load_script, capsys, bad, message):
    tool = load_script(TOOL)
    with pytest.raises(SystemExit):
        tool.parse_args(VALID + bad)
    assert message in capsys.readouterr().err


def test_amp_without_cuda_is_refused(load_script, capsys, monkeypatch):
    tool = load_script(TOOL)
    monkeypatch.setattr(tool.torch.cuda, 'is_available', lambda: False)
    with pytest.raises(SystemExit):
        tool.parse_args(VALID + ['--amp'])
    assert '--amp needs a CUDA device' in capsys.readouterr().err


def test_command_line_refusal_is_clear(script_process):
    result = script_process(TOOL, *VALID, '--epochs', '-2')
    assert result.returncode == 2
    assert 'error: --epochs must be >= 1, got -2' in result.stderr
