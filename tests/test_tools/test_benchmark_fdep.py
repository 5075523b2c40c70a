"""tools/analysis_tools/benchmark_fdep.py: a tiny smoke run."""
import re

TOOL = 'tools/analysis_tools/benchmark_fdep.py'


def test_tiny_run_prints_the_ratio_and_the_vfm_share(dinov2_snapshot,
                                                     run_script):
    out = run_script(TOOL, 'configs/fdep/fdep_dnanet_num4_nudt.py',
                     '--snapshot-dir', dinov2_snapshot, '--batch-size', '2',
                     '--size', '32', '--iters', '1', '--warmup', '0')
    ratio = re.search(r'FDEP \(CO-ISD\) iteration : +[\d.]+ s \(([\d.]+)x',
                      out)
    share = re.search(r'frozen VFM forward +: +[\d.]+ s \((\d+)%', out)
    assert ratio and share, out
    assert 'random DINOv2' not in out


def test_plain_config_is_refused(script_process):
    result = script_process(TOOL, 'configs/dnanet/dnanet_num4_nudt.py')
    assert result.returncode != 0
    assert 'is not an FDEP config' in result.stderr
