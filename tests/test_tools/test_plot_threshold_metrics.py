"""tools/analysis_tools/plot_threshold_metrics.py on a metrics JSON."""
import json

import cv2

TOOL = 'tools/analysis_tools/plot_threshold_metrics.py'


def test_draws_the_curves(tmp_path, script_process):
    metrics = {'IoU': 50.0, 'Pd': 90.0, 'Fa_1e-6': 3.0, 'HSE': 40.0}
    for t in (0.1, 0.5, 0.9):
        metrics.update({
            f'IoU@{t:.2f}': 60 * (1 - t),
            f'nIoU@{t:.2f}': 55.0,
            f'Pd@{t:.2f}': 100 * (1 - t / 2),
            f'Fa_1e-6@{t:.2f}': 10 * (1 - t)
        })
    source = tmp_path / 'metrics.json'
    source.write_text(json.dumps(metrics))
    out = tmp_path / 'curves.png'
    result = script_process(TOOL, str(source), str(out), '--title', 'demo')
    assert result.returncode == 0, result.stdout + result.stderr
    image = cv2.imread(str(out))
    assert image is not None and image.shape[0] > 100 and image.std() > 0


def test_without_threshold_keys_says_how_to_get_them(tmp_path, script_process):
    source = tmp_path / 'metrics.json'
    source.write_text(json.dumps({'IoU': 50.0, 'IoU@0.50': 50.0}))
    result = script_process(TOOL, str(source), str(tmp_path / 'x.png'))
    assert result.returncode != 0
    assert 'test_evaluator.thresholds' in result.stderr
    assert str(source) in result.stderr
