"""tools/analysis_tools/benchmark_latency.py: a tiny smoke run."""
import json

TOOL = 'tools/analysis_tools/benchmark_latency.py'


def test_tiny_run_prints_both_tables(tmp_path, run_script):
    out = tmp_path / 'latency.json'
    printed = run_script(TOOL, '--networks', 'AMFU-Net', '--runs', '1',
                         '--warmup', '0', '--sizes', '32', '--threads', '1',
                         '2', '--out-json', str(out))
    assert 'fewer than the 20 of the protocol' in printed
    assert '| AMFU-Net | teacher | eager | fp32 | 1 | 32 |' in printed
    assert '| AMFU-Net | student | openvino | int8 | 2 | 32 |' in printed
    assert '| AMFU-Net | student | openvino | int8-nncf | 2 | 32 |' in printed
    assert '| AMFU-Net | openvino |' in printed
    assert '| 2.59x | 2.34x |' in printed
    figures = json.loads(out.read_text())
    student = figures['results']['AMFU-Net']['student']
    # Eager, then ONNX Runtime's 2 precisions and OpenVINO's 4, per thread
    # count (bf16 computed in f32 where the CPU has no bf16).
    assert [(r['runtime'], r['precision'].split('->')[0], r['threads'])
            for r in student] == [
                (runtime, precision, threads) for threads in (1, 2)
                for runtime, precision in [
                    ('eager', 'fp32'), ('onnxruntime', 'fp32'),
                    ('onnxruntime', 'int8'), ('openvino', 'fp32'),
                    ('openvino', 'bf16'), ('openvino', 'int8'),
                    ('openvino', 'int8-nncf')]
            ]
    # Timings are reported, not asserted on; fp32 matches eager.
    for row in student:
        assert row['ms'] >= 0
        if row['precision'] == 'fp32':
            assert row['max_abs_diff'] < 1e-4
    assert figures['settings']['threads'] == [1, 2]
