"""tools/analysis_tools/benchmark_latency.py: a tiny smoke run."""
import json
import subprocess
import sys

TOOL = 'tools/analysis_tools/benchmark_latency.py'


def test_tiny_run_prints_both_tables(repo_root, tmp_path):
    out = tmp_path / 'latency.json'
    result = subprocess.run([
        sys.executable, TOOL, '--networks', 'AMFU-Net', '--runs', '1',
        '--warmup', '0', '--sizes', '32', '--threads', '1', '2',
        '--out-json', str(out)
    ],
                            cwd=repo_root,
                            capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'fewer than the 20 of the protocol' in result.stdout
    assert '| AMFU-Net | teacher | eager | fp32 | 1 | 32 |' in result.stdout
    assert '| AMFU-Net | student | openvino | int8 | 2 | 32 |' in (
        result.stdout)
    assert '| AMFU-Net | openvino |' in result.stdout
    assert '| 2.59x | 2.34x |' in result.stdout
    figures = json.loads(out.read_text())
    student = figures['results']['AMFU-Net']['student']
    # Eager, then 2 runtimes x 2 precisions, per thread count.
    assert [(r['runtime'], r['precision'], r['threads'])
            for r in student] == [
                (runtime, precision, threads) for threads in (1, 2)
                for runtime, precision in [('eager', 'fp32'), (
                    'onnxruntime', 'fp32'), ('onnxruntime', 'int8'), (
                        'openvino', 'fp32'), ('openvino', 'int8')]
            ]
    # Timings are reported, not asserted on; fp32 matches eager.
    for row in student:
        assert row['ms'] >= 0
        if row['precision'] == 'fp32':
            assert row['max_abs_diff'] < 1e-4
    assert figures['settings']['threads'] == [1, 2]
