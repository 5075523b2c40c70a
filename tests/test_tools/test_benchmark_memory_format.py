"""tools/analysis_tools/benchmark_memory_format.py: a tiny smoke run."""
import re

TOOL = 'tools/analysis_tools/benchmark_memory_format.py'


def test_tiny_run_prints_both_layouts_for_each_thread_count(run_script):
    config = 'configs/demo/dnanet_num4_synthetic.py'
    printed = run_script(TOOL, config, '--batch-size', '1', '--size', '32',
                         '--iters', '1', '--rounds', '1', '--warmup', '0',
                         '--threads', '1', '2')
    rows = re.findall(
        r'\| dnanet_num4_synthetic.py \| (\d) \| ([\d.]+) \| ([\d.]+) \| '
        r'([\d.]+) \|', printed)
    # Well-formed figures, one row per thread count; their values are
    # timings, not asserted.
    assert [row[0] for row in rows] == ['1', '2'], printed
