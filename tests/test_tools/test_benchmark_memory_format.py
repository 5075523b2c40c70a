"""tools/analysis_tools/benchmark_memory_format.py: a tiny smoke run."""
import re

TOOL = 'tools/analysis_tools/benchmark_memory_format.py'


def test_tiny_run_prints_both_layouts_and_the_ratio(run_script):
    config = 'configs/demo/dnanet_num4_synthetic.py'
    printed = run_script(TOOL, config, '--batch-size', '1', '--size', '32',
                         '--iters', '1', '--rounds', '1', '--warmup', '0')
    row = re.search(
        r'\| dnanet_num4_synthetic.py \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|',
        printed)
    # Well-formed figures; their values are timings, not asserted.
    assert row, printed
