"""tools/analysis_tools/benchmark_fdep.py: a tiny smoke run."""
import re
import subprocess
import sys

from mmdsad.models.foundation_models import save_tiny_dinov2

TOOL = 'tools/analysis_tools/benchmark_fdep.py'


def test_tiny_run_prints_the_ratio_and_the_vfm_share(repo_root, tmp_path):
    snapshot = save_tiny_dinov2(str(tmp_path / 'dinov2'))
    result = subprocess.run([
        sys.executable, TOOL, 'configs/fdep/fdep_dnanet_num4_nudt.py',
        '--snapshot-dir', snapshot, '--batch-size', '2', '--size', '32',
        '--iters', '1', '--warmup', '0'
    ],
                            cwd=repo_root,
                            capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    ratio = re.search(r'FDEP \(CO-ISD\) iteration : +[\d.]+ s \(([\d.]+)x',
                      result.stdout)
    share = re.search(r'frozen VFM forward +: +[\d.]+ s \((\d+)%',
                      result.stdout)
    assert ratio and share, result.stdout
    assert 'random DINOv2' not in result.stdout


def test_plain_config_is_refused(repo_root):
    result = subprocess.run(
        [sys.executable, TOOL, 'configs/dnanet/dnanet_num4_nudt.py'],
        cwd=repo_root,
        capture_output=True,
        text=True)
    assert result.returncode != 0
    assert 'is not an FDEP config' in result.stderr
