"""Draw IoU, Pd and Fa against the probability threshold as a PNG.

Reads the metrics JSON that ``tools/test.py --metrics-out`` (or
``eval_predictions.py --out``) writes; the test must have run with extra
thresholds, whose keys (``IoU@0.05``,
``Pd@0.05``, ``Fa_1e-6@0.05``, ...) give one point each.

Example:
    python tools/test.py configs/dnanet/dnanet_num4_nudt.py model.pth \
        --metrics-out metrics.json --cfg-options \
        'test_evaluator.thresholds=[0.05,0.1,0.15,0.2,0.25,0.3,0.35,0.4,\
0.45,0.5,0.55,0.6,0.65,0.7,0.75,0.8,0.85,0.9,0.95]'
    python tools/analysis_tools/plot_threshold_metrics.py metrics.json \
        curves.png

Pd against Fa over the same thresholds (an ROC), several models on one
figure: tools/analysis_tools/plot_roc.py.
"""
import argparse
from typing import Dict, List

import matplotlib

matplotlib.use('Agg')  # files only; no display on servers
import matplotlib.pyplot as plt  # noqa: E402

from mmdsad.evaluation import metric_files  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Plot IoU / Pd / Fa against the threshold')
    parser.add_argument('metrics', help='JSON from tools/test.py '
                        '--metrics-out (run with test_evaluator.thresholds)')
    parser.add_argument('out', help='PNG file to write')
    parser.add_argument('--title', default='', help='figure title')
    return parser.parse_args()


def threshold_curves(metrics: Dict[str, float],
                     source: str) -> Dict[str, List[float]]:
    """Collect the per-threshold metrics, sorted by threshold.

    Args:
        metrics (dict[str, float]): Keys like ``IoU@0.30``; others ignored.
        source (str): Where the metrics came from, for the error message.

    Returns:
        dict[str, list[float]]: ``threshold``, ``IoU``, ``Pd`` and
        ``Fa_1e-6``, each a list of the same length.
    """
    try:
        return metric_files.threshold_curves(metrics,
                                             ('IoU', 'Pd', 'Fa_1e-6'),
                                             source)
    except ValueError as error:
        raise SystemExit(str(error)) from error


def plot_curves(curves: Dict[str, List[float]], out: str,
                title: str = '') -> None:
    """Write IoU and Pd (percent, left) and Fa (1e-6, right) to a PNG.

    Args:
        curves (dict[str, list[float]]): As :func:`threshold_curves` gives.
        out (str): PNG path.
        title (str): Figure title. Defaults to ''.
    """
    fig, (percent_ax, fa_ax) = plt.subplots(1, 2, figsize=(9, 3.6))
    thresholds = curves['threshold']
    percent_ax.plot(thresholds, curves['IoU'], 'o-', label='IoU')
    percent_ax.plot(thresholds, curves['Pd'], 's-', label='Pd')
    percent_ax.set_xlabel('threshold on the sigmoid probability')
    percent_ax.set_ylabel('%')
    percent_ax.legend()
    percent_ax.grid(alpha=0.3)
    fa_ax.plot(thresholds, curves['Fa_1e-6'], 'o-', color='tab:red')
    fa_ax.set_xlabel('threshold on the sigmoid probability')
    fa_ax.set_ylabel('Fa (×1e-6)')
    fa_ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)


def main() -> None:
    args = parse_args()
    try:
        metrics = metric_files.load_metrics(args.metrics)
    except ValueError as error:
        raise SystemExit(str(error)) from error
    plot_curves(threshold_curves(metrics, args.metrics), args.out, args.title)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
