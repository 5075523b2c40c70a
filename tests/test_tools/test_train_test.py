"""tools/train.py and tools/test.py end to end on a tiny synthetic set."""
import functools
import glob
import http.server
import json
import os
import os.path as osp
import threading

import pytest

from mmdsad.datasets import make_synthetic_sirst
from mmdsad.utils import load_checkpoint_file

CONFIG = 'configs/demo/dnanet_num4_synthetic.py'
SHORT_RUN = [
    'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
    'train_dataloader.persistent_workers=False',
    'val_dataloader.num_workers=0', 'val_dataloader.persistent_workers=False',
    'test_dataloader.num_workers=0',
    'test_dataloader.persistent_workers=False'
]


@pytest.fixture(scope='module')
def trained_run(tmp_path_factory, run_script):
    root = tmp_path_factory.mktemp('tools')
    data_root = str(root / 'data')
    make_synthetic_sirst(
        data_root, num_train=4, num_test=2, image_size=(64, 64), seed=1)
    work_dir = str(root / 'run')
    run_script('tools/train.py', CONFIG, '--work-dir', work_dir, '--data-root',
               data_root, '--cfg-options', 'train_cfg.max_iters=2',
               'train_cfg.val_interval=2',
               'default_hooks.checkpoint.interval=2', *SHORT_RUN)
    return data_root, work_dir


def test_train_writes_checkpoint_and_validates(trained_run):
    _, work_dir = trained_run
    assert osp.isfile(osp.join(work_dir, 'iter_2.pth'))
    logs = glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))
    lines = [json.loads(line) for line in open(logs[0])]
    assert any('IoU' in line and 'Fa_1e-6' in line for line in lines)


def test_test_reports_metrics_and_overlays(trained_run, run_script):
    data_root, work_dir = trained_run
    metrics_file = osp.join(work_dir, 'metrics.json')
    run_script('tools/test.py', CONFIG, osp.join(work_dir, 'iter_2.pth'),
               '--work-dir', work_dir, '--data-root', data_root, '--show-dir',
               'overlays', '--metrics-out', metrics_file, '--cfg-options',
               *SHORT_RUN)
    metrics = json.load(open(metrics_file))
    assert {'IoU', 'nIoU', 'Pd', 'Fa_1e-6'} <= set(metrics)
    overlays = glob.glob(
        osp.join(work_dir, 'overlays', '**', '*.png'), recursive=True)
    assert len(overlays) == 2


def test_test_reports_hse_beside_the_other_metrics(
        trained_run, script_process):
    data_root, work_dir = trained_run
    metrics_file = osp.join(work_dir, 'metrics_hse.json')
    result = script_process('tools/test.py', CONFIG,
                            osp.join(work_dir, 'iter_2.pth'), '--work-dir',
                            work_dir, '--data-root', data_root,
                            '--metrics-out', metrics_file, '--cfg-options',
                            *SHORT_RUN, 'test_evaluator.hse=True',
                            'test_evaluator.thresholds=[0.3,0.7]')
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[
        -3000:]
    metrics = json.load(open(metrics_file))
    assert {'IoU', 'nIoU', 'Pd', 'Fa_1e-6', 'IoU@0.30', 'HSE', 'HSE_pixel',
            'HSE_target'} <= set(metrics)
    assert 'HSE (mmdsad definition' in result.stdout + result.stderr


def test_resume_continues_from_own_work_dir(trained_run, run_script):
    data_root, work_dir = trained_run
    run_script('tools/train.py', CONFIG, '--work-dir', work_dir, '--data-root',
               data_root, '--resume', '--cfg-options', 'train_cfg.max_iters=3',
               'train_cfg.val_interval=3',
               'default_hooks.checkpoint.interval=1', *SHORT_RUN)
    # The run's own training checkpoint reads weights-only (allow-list).
    checkpoint = load_checkpoint_file(osp.join(work_dir, 'iter_3.pth'))
    assert checkpoint['meta']['iter'] == 3


def latest_checkpoint(work_dir):
    """The checkpoint the run's last save wrote (earlier ones are pruned)."""
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def test_training_checkpoint_copied_elsewhere_tests_weights_only(
        trained_run, tmp_path, run_script):
    # No folder is trusted, and none needs to be: a training checkpoint
    # (optimizer, message hub) loads weights-only wherever it lies.
    data_root, work_dir = trained_run
    copy = tmp_path / 'elsewhere.pth'
    copy.write_bytes(open(latest_checkpoint(work_dir), 'rb').read())
    run_script('tools/test.py', CONFIG, str(copy), '--work-dir',
               str(tmp_path / 'other'), '--data-root', data_root,
               '--cfg-options', *SHORT_RUN)


def test_malicious_checkpoint_in_the_work_dir_is_refused(
        trained_run, malicious_checkpoint, script_process):
    data_root, work_dir = trained_run
    evil, marker = malicious_checkpoint
    planted = osp.join(work_dir, 'downloaded.pth')
    with open(planted, 'wb') as f:
        f.write(open(evil, 'rb').read())
    for work in (work_dir, osp.dirname(work_dir)):
        result = script_process('tools/test.py', CONFIG, planted, '--work-dir',
                                work, '--data-root', data_root,
                                '--cfg-options', *SHORT_RUN)
        assert result.returncode != 0
        assert not marker.exists()
        assert 'downloaded.pth' in result.stderr
        assert 'posix.system' in result.stderr
    os.remove(planted)


def test_url_load_from_is_refused_before_it_runs(
        trained_run, malicious_checkpoint, tmp_path, monkeypatch,
        script_process):
    data_root, _ = trained_run
    evil, marker = malicious_checkpoint
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=osp.dirname(evil))
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f'http://127.0.0.1:{server.server_address[1]}/evil.pth'
    # The download goes to torch's hub cache: keep it in the test's folder.
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch'))
    try:
        result = script_process('tools/train.py', CONFIG, '--work-dir',
                                str(tmp_path / 'w'), '--data-root', data_root,
                                '--cfg-options', f'load_from={url}',
                                'train_cfg.max_iters=1', *SHORT_RUN)
    finally:
        server.shutdown()
    assert result.returncode != 0
    assert not marker.exists()
    assert url in result.stderr and 'posix.system' in result.stderr


def train_once(script_process, work_dir, data_root, *extra):
    return script_process('tools/train.py', CONFIG, '--work-dir', work_dir,
                          '--data-root', data_root, *extra, '--cfg-options',
                          'train_cfg.max_iters=1', 'train_cfg.val_interval=1',
                          'default_hooks.checkpoint.interval=1', *SHORT_RUN)


def test_training_over_an_earlier_run_is_refused(trained_run, script_process):
    data_root, work_dir = trained_run
    checkpoint = latest_checkpoint(work_dir)
    before = open(checkpoint, 'rb').read()
    result = train_once(script_process, work_dir, data_root)
    assert result.returncode != 0
    assert 'holds an earlier run' in result.stderr
    assert '--overwrite' in result.stderr and '--resume' in result.stderr
    assert open(checkpoint, 'rb').read() == before


def test_resume_with_nothing_to_resume_is_refused(trained_run,
                                                  tmp_path, script_process):
    data_root, _ = trained_run
    result = train_once(script_process, str(tmp_path / 'new'), data_root,
                        '--resume')
    assert result.returncode != 0
    assert 'no last_checkpoint to resume' in result.stderr


@pytest.mark.parametrize('key, closest', [('laod_from=x.pth', 'load_from'),
                                          ('work_dirr=elsewhere', 'work_dir')])
def test_misspelt_top_level_key_is_refused(trained_run, tmp_path,
                                           key, closest, script_process):
    data_root, _ = trained_run
    result = script_process('tools/train.py', CONFIG, '--work-dir',
                            str(tmp_path / 'w'), '--data-root', data_root,
                            '--cfg-options', key)
    assert result.returncode != 0
    assert f'did you mean {closest}' in result.stderr


def test_load_from_another_network_is_refused(trained_run,
                                              tmp_path, script_process):
    data_root, work_dir = trained_run
    result = script_process('tools/train.py',
                            'configs/demo/dnanet_num16_synthetic.py',
                            '--work-dir', str(tmp_path / 'w'), '--data-root',
                            data_root, '--cfg-options',
                            f'load_from={latest_checkpoint(work_dir)}',
                            *SHORT_RUN)
    assert result.returncode != 0
    assert 'CheckpointMismatchError' in result.stderr
    assert 'backbone.conv0_0' in result.stderr


def test_earlier_test_results_are_not_overwritten(trained_run, script_process):
    data_root, work_dir = trained_run
    metrics_file = osp.join(work_dir, 'kept.json')
    with open(metrics_file, 'w') as f:
        f.write('{"IoU": 1.0}')
    common = [
        'tools/test.py', CONFIG,
        latest_checkpoint(work_dir), '--work-dir', work_dir,
        '--data-root', data_root
    ]
    for extra in (['--metrics-out', metrics_file], ['--show-dir', 'kept']):
        if extra[0] == '--show-dir':
            os.makedirs(osp.join(work_dir, 'kept', 'vis_data'))
        result = script_process(*common, *extra, '--cfg-options', *SHORT_RUN)
        assert result.returncode != 0
        assert 'pass --overwrite' in result.stderr
    assert open(metrics_file).read() == '{"IoU": 1.0}'
    assert os.listdir(osp.join(work_dir, 'kept')) == ['vis_data']
    assert os.listdir(osp.join(work_dir, 'kept', 'vis_data')) == []


def test_data_root_must_exist(tmp_path, script_process):
    result = script_process('tools/train.py', CONFIG, '--data-root',
                            str(tmp_path / 'missing'), '--work-dir',
                            str(tmp_path / 'w'))
    assert result.returncode != 0
    assert 'missing is not a directory' in result.stderr


def test_get_flops_prints_paper_figures(run_script):
    printed = run_script('tools/analysis_tools/get_flops.py',
                         'configs/dnanet/dnanet_num4_nudt.py', '--shape',
                         '256')
    assert 'Params: 0.298' in printed
    assert 'Flops (MACs): 0.96' in printed

