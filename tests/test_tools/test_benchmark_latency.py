"""tools/analysis_tools/benchmark_latency.py: a tiny smoke run."""
import json

TOOL = 'tools/analysis_tools/benchmark_latency.py'


def test_tiny_run_prints_both_tables(tmp_path, run_script):
    out = tmp_path / 'latency.json'
    printed = run_script(TOOL, '--networks', 'AMFU-Net', '--runs', '1',
                         '--warmup', '0', '--shape', '32', '32',
                         '--out-json', str(out))
    assert 'fewer than the 20 of the protocol' in printed
    assert '| AMFU-Net | teacher |' in printed
    assert '| AMFU-Net | student |' in printed
    assert '| 2.59x | 2.34x |' in printed
    figures = json.loads(out.read_text())
    student = figures['results']['AMFU-Net']['student']
    # Timings are reported, not asserted on.
    assert student['eager_ms'] >= 0 and student['onnxruntime_ms'] >= 0
    assert student['max_abs_diff'] < 1e-4
    assert figures['settings']['threads'] == 1
