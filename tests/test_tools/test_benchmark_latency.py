"""tools/analysis_tools/benchmark_latency.py: a tiny smoke run."""
import json
import subprocess
import sys

TOOL = 'tools/analysis_tools/benchmark_latency.py'


def test_tiny_run_prints_both_tables(repo_root, tmp_path):
    out = tmp_path / 'latency.json'
    result = subprocess.run([
        sys.executable, TOOL, '--networks', 'AMFU-Net', '--runs', '1',
        '--warmup', '0', '--shape', '32', '32', '--out-json',
        str(out)
    ],
                            cwd=repo_root,
                            capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'fewer than the 20 of the protocol' in result.stdout
    assert '| AMFU-Net | teacher |' in result.stdout
    assert '| AMFU-Net | student |' in result.stdout
    assert '| 2.59x | 2.34x |' in result.stdout
    figures = json.loads(out.read_text())
    student = figures['results']['AMFU-Net']['student']
    # Timings are reported, not asserted on.
    assert student['eager_ms'] >= 0 and student['onnxruntime_ms'] >= 0
    assert student['max_abs_diff'] < 1e-4
    assert figures['settings']['threads'] == 1
