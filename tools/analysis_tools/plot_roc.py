"""Draw target-level Pd against pixel-level Fa over thresholds (an ROC).

One curve per metrics JSON (``tools/test.py --metrics-out``, or
``tools/analysis_tools/eval_predictions.py --out``), several models on one
PNG, and the points in a CSV file beside it (same name, ``.csv``). Each
test must have run with extra thresholds: their keys ``Pd@0.10``,
``Fa_1e-6@0.10``, ... give one point each. Pd and Fa are counted as the
evaluator's ``protocol`` counts them (``basicirstd`` unless the test said
otherwise): compare only curves evaluated with the same protocol.

Example:
    THRESHOLDS='test_evaluator.thresholds=[0.05,0.1,0.2,0.3,0.4,0.5,0.6,\
0.7,0.8,0.9,0.95]'
    python tools/test.py configs/dnanet/dnanet_num16_nudt.py teacher.pth \
        --metrics-out teacher.json --cfg-options "$THRESHOLDS"
    python tools/test.py configs/dnanet/dnanet_num4_nudt.py student.pth \
        --metrics-out student.json --cfg-options "$THRESHOLDS"
    python tools/analysis_tools/plot_roc.py teacher.json student.json \
        --labels teacher student --out roc.png   # and roc.csv
"""
import argparse
import csv
import os.path as osp
from typing import Dict, List, Optional, Sequence

import matplotlib

matplotlib.use('Agg')  # files only; no display on servers
import matplotlib.pyplot as plt  # noqa: E402

from mmdsad.evaluation import metric_files  # noqa: E402

CSV_FIELDS = ('model', 'metrics', 'threshold', 'Pd_percent', 'Fa_1e-6')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Plot Pd against Fa over thresholds, one curve per '
        'metrics JSON, and write the points to a CSV beside the PNG')
    parser.add_argument(
        'metrics',
        nargs='+',
        help='JSON files from tools/test.py --metrics-out (run with '
        'test_evaluator.thresholds)')
    parser.add_argument('--out', required=True, help='PNG file to write')
    parser.add_argument(
        '--labels',
        nargs='+',
        help='one name per metrics file (default: the file names)')
    parser.add_argument('--title', default='', help='figure title')
    parser.add_argument(
        '--log-fa',
        action='store_true',
        help='logarithmic Fa axis (points with Fa = 0 are left out of the '
        'figure, not of the CSV)')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='replace an existing --out PNG and its CSV (refused otherwise)')
    args = parser.parse_args(argv)
    if args.labels is not None and len(args.labels) != len(args.metrics):
        parser.error(f'--labels gives {len(args.labels)} names for '
                     f'{len(args.metrics)} metrics files')
    if not args.out.lower().endswith('.png'):
        parser.error(f'--out must be a .png file, got {args.out}')
    return args


def default_labels(paths: Sequence[str]) -> List[str]:
    """Name each curve after its file (without ``.json``), adding the
    folder when two files share a name."""
    names = [osp.splitext(osp.basename(p))[0] for p in paths]
    if len(set(names)) == len(names):
        return names
    return [osp.join(osp.basename(osp.dirname(osp.abspath(p))), name)
            for p, name in zip(paths, names)]


def roc_curves(paths: Sequence[str],
               labels: Sequence[str]) -> Dict[str, Dict[str, List[float]]]:
    """Read the Pd-Fa points of each metrics file.

    Args:
        paths (Sequence[str]): Metrics JSON files.
        labels (Sequence[str]): One distinct name per file.

    Returns:
        dict[str, dict[str, list[float]]]: Per label ``threshold``, ``Pd``
        (percent) and ``Fa_1e-6``, by ascending threshold.
    """
    if len(set(labels)) != len(labels):
        raise SystemExit(f'the curves need distinct names, got {labels}')
    curves = {}
    for path, label in zip(paths, labels):
        try:
            curves[label] = metric_files.threshold_curves(
                metric_files.load_metrics(path), ('Pd', 'Fa_1e-6'), path)
        except (OSError, ValueError) as error:
            raise SystemExit(str(error)) from error
    return curves


def write_csv(curves: Dict[str, Dict[str, List[float]]],
              sources: Dict[str, str], path: str) -> None:
    """Write every point, one row per model and threshold."""
    with open(path, 'w', newline='', encoding='utf-8') as file:
        writer = csv.writer(file)
        writer.writerow(CSV_FIELDS)
        for label, curve in curves.items():
            for t, pd, fa in zip(curve['threshold'], curve['Pd'],
                                 curve['Fa_1e-6']):
                writer.writerow([label, sources[label], f'{t:.2f}', repr(pd),
                                 repr(fa)])


def plot_roc(curves: Dict[str, Dict[str, List[float]]],
             out: str,
             title: str = '',
             log_fa: bool = False) -> None:
    """Draw Pd (percent) against Fa (1e-6), one line per model.

    The lowest and highest threshold of each curve are written beside its
    ends.
    """
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    for label, curve in curves.items():
        points = [(fa, pd, t) for t, pd, fa in zip(
            curve['threshold'], curve['Pd'], curve['Fa_1e-6'])
                  if not log_fa or fa > 0]
        if not points:
            continue
        fa, pd, thresholds = zip(*points)
        line, = ax.plot(fa, pd, 'o-', markersize=4, label=label)
        for idx in {0, len(points) - 1}:
            ax.annotate(
                f't={thresholds[idx]:.2f}', (fa[idx], pd[idx]),
                textcoords='offset points',
                xytext=(4, -10),
                fontsize=7,
                color=line.get_color())
    ax.margins(x=0.08)
    if log_fa:
        ax.set_xscale('log')
    ax.set_xlabel('Fa (×1e-6, false-alarm pixels per pixel)')
    ax.set_ylabel('Pd (%, targets detected)')
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title(title or 'Pd against Fa over thresholds')
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    labels = args.labels or default_labels(args.metrics)
    curves = roc_curves(args.metrics, labels)
    csv_path = osp.splitext(args.out)[0] + '.csv'
    existing = [p for p in (args.out, csv_path) if osp.exists(p)]
    if existing and not args.overwrite:
        raise SystemExit(f'{" and ".join(existing)} exist(s) from an '
                         'earlier run; choose another --out or pass '
                         '--overwrite')
    plot_roc(curves, args.out, args.title, args.log_fa)
    write_csv(curves, dict(zip(labels, args.metrics)), csv_path)
    print(f'wrote {args.out} and {csv_path} ({len(curves)} curves)')


if __name__ == '__main__':
    main()
