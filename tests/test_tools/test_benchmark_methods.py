"""tools/analysis_tools/benchmark_methods.py: a tiny smoke run."""
import os.path as osp
import re

import pytest

TOOL = 'tools/analysis_tools/benchmark_methods.py'
CONFIGS = [
    'configs/distill/kd_dnanet_num16_num4_nudt.py',
    'configs/distill/crosskd_dnanet_num16_num4_nudt.py',
]


def test_tiny_run_prints_a_ratio_per_method(run_script):
    printed = run_script(TOOL, *CONFIGS, '--batch-size', '1', '--size',
                         '32', '--iters', '1', '--warmup', '0')
    assert len(re.findall(r'plain student iteration: [\d.]+ s', printed)) == 1
    for config in CONFIGS:
        name = config.split('/')[-1]
        row = re.search(rf'\| {re.escape(name)} \| ([\d.]+) \| ([\d.]+) \|',
                        printed)
        # Well-formed figures; their values are timings, not asserted.
        assert row and float(row[1]) >= 0 and float(row[2]) >= 0, printed


def test_breakdown_times_the_teacher_parts_of_each_step(run_script):
    # DSAD's config has DSA weight connectors, KD's has none.
    dsad = 'configs/distill/dsad_dnanet_num16_num4_nudt.py'
    printed = run_script(TOOL, dsad, CONFIGS[0], '--breakdown',
                         '--batch-size', '1', '--size', '32', '--iters', '1',
                         '--warmup', '0')
    parts = printed[printed.index('dsad_dnanet_num16_num4_nudt.py, '):]
    for part in ('teacher forward', 'DSA weight maps',
                 'student, connectors, losses, backward, step'):
        assert re.search(rf'{part}\s*: +-?[\d.]+ s', parts), printed
    kd = printed[printed.index('kd_dnanet_num16_num4_nudt.py, '):]
    assert 'teacher forward' in kd and 'DSA weight maps' not in kd


def test_plain_config_is_refused(repo_root, load_script, capsys):
    tool = load_script(TOOL)
    with pytest.raises(SystemExit):
        tool.parse_args(
            [osp.join(repo_root, 'configs/dnanet/dnanet_num4_nudt.py')])
    assert 'not a distillation config' in capsys.readouterr().err
