"""Summaries of a study over seeds: mean ± std tables in markdown and CSV.

Rows are variants, the student alone (``ALONE``) among them; differences
to the student alone are paired by seed. With ``with_cost`` a row also
carries the training time per iteration and its ratio to the student
alone's (the iteration cost of the method).
"""
import csv
import json
import os.path as osp
import statistics
from typing import Dict, List, Sequence, Tuple

from .scalars import SCALARS_FILE
from .study_runs import TIME_KEY
from .tool_runs import SWEEP_KEY

ALONE = 'alone'
METRIC_KEYS = ('IoU', 'nIoU', 'Pd', 'Fa_1e-6')
COST_KEY = 'cost_vs_alone'
# (row key, markdown header) of the mean ± std columns.
METRIC_COLUMNS = (('IoU', 'IoU'), ('nIoU', 'nIoU'), ('Pd', 'Pd'),
                  ('Fa_1e-6', 'Fa (1e-6)'), (SWEEP_KEY, 'IoU 0.05-0.95'),
                  ('dIoU_vs_alone', 'ΔIoU vs alone'))
COST_COLUMNS = ((TIME_KEY, 's / iter'), (COST_KEY, 'cost vs alone (×)'))
# Decimals of a column where two would hide it (seconds per iteration).
DECIMALS = {TIME_KEY: 3}
# A run whose IoU at threshold 0.5 is below this, or below a third of its
# own threshold-sweep mean, has a dead prediction (issue 17's criterion).
DEAD_IOU = 5.0

Results = Dict[str, Dict[int, Dict[str, float]]]


def mean_std(values: Sequence[float]) -> Tuple[float, float]:
    """Mean and sample standard deviation (0 for a single value)."""
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return statistics.fmean(values), std


def is_dead(metrics: Dict[str, float]) -> bool:
    """Whether a run's prediction is dead at threshold 0.5: IoU below
    ``DEAD_IOU`` or below a third of its IoU averaged over the sweep."""
    return metrics['IoU'] < DEAD_IOU or metrics['IoU'] < metrics[SWEEP_KEY] / 3


def check_times(name: str, by_seed: Dict[int, Dict[str, float]],
                seeds: List[int]) -> None:
    """Every run of ``name`` must have logged its time per iteration.

    Raises:
        ValueError: A run logged none; the message says how to fix it.
    """
    missing = [s for s in seeds if by_seed[s].get(TIME_KEY) is None]
    if missing:
        raise ValueError(
            f'{name} seeds {missing} logged no training iteration time: no '
            f'<work_dir>/{name}/seed<k>/<timestamp>/{SCALARS_FILE} of theirs '
            'holds a training record, as their schedule ended before the '
            'logger\'s first interval (or their config has no '
            'LocalVisBackend). Lower default_hooks.logger.interval, delete '
            'their test_metrics.json and re-run.')


def summarise(results: Results,
              seeds: List[int],
              with_cost: bool = False) -> List[Dict]:
    """One row per variant, in the order of ``results``.

    Args:
        results (dict): ``{variant: {seed: metrics}}`` with ``ALONE``.
        seeds (list[int]): The seeds to summarise.
        with_cost (bool): Add the time per iteration and its ratio to the
            student alone's (paired by seed).

    Raises:
        ValueError: With ``with_cost``, a run has no time per iteration.

    Returns:
        list[dict]: Rows with ``variant``, (mean, std) of every metric,
        ``IoU_per_seed``, ``dead_runs`` (see :func:`is_dead`) and
        ``dIoU_vs_alone``.
    """
    alone = results[ALONE]
    rows = []
    for name, by_seed in results.items():
        row = dict(variant=name)
        for key in METRIC_KEYS + (SWEEP_KEY, ):
            row[key] = mean_std([by_seed[s][key] for s in seeds])
        row['IoU_per_seed'] = [by_seed[s]['IoU'] for s in seeds]
        row['dead_runs'] = sum(is_dead(by_seed[s]) for s in seeds)
        row['dIoU_vs_alone'] = mean_std(
            [by_seed[s]['IoU'] - alone[s]['IoU'] for s in seeds])
        if with_cost:
            check_times(name, by_seed, seeds)
            row[TIME_KEY] = mean_std([by_seed[s][TIME_KEY] for s in seeds])
            row[COST_KEY] = mean_std(
                [by_seed[s][TIME_KEY] / alone[s][TIME_KEY] for s in seeds])
        rows.append(row)
    return rows


def _columns(with_cost: bool) -> Tuple[Tuple[str, str], ...]:
    return METRIC_COLUMNS + (COST_COLUMNS if with_cost else ())


def to_markdown(rows: List[Dict],
                seeds: List[int],
                with_cost: bool = False) -> str:
    """The summary as a markdown table with a note on what it shows.

    Args:
        rows (list[dict]): Rows of :func:`summarise`.
        seeds (list[int]): The seeds summarised.
        with_cost (bool): Whether the rows carry the cost columns.

    Returns:
        str: The table and its note.
    """
    columns = _columns(with_cost)
    header = ['variant'] + [title for _, title in columns
                            ] + ['IoU per seed', 'dead runs']
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    for row in rows:
        cells = [row['variant']] + [
            f'{row[k][0]:.{DECIMALS.get(k, 2)}f} ± '
            f'{row[k][1]:.{DECIMALS.get(k, 2)}f}' for k, _ in columns
        ] + [' / '.join(f'{v:.2f}' for v in row['IoU_per_seed']),
             str(row['dead_runs'])]
        lines.append('| ' + ' | '.join(cells) + ' |')
    lines.append('')
    note = (f'Seeds {", ".join(map(str, seeds))}; mean ± sample std; '
            'threshold 0.5 unless stated; "IoU 0.05-0.95" is the mean IoU '
            'over the 19 thresholds 0.05, 0.10, ..., 0.95; ΔIoU is paired '
            'by seed; a dead run has IoU below 5, or below a third of its '
            'own 0.05-0.95 mean, at 0.5.')
    if with_cost:
        note += (' "s / iter" is the mean logged training time per '
                 'iteration (data loading included, first logged value left '
                 'out); "cost vs alone" divides it by the student alone\'s, '
                 'paired by seed.')
    lines.append(note)
    return '\n'.join(lines)


def write_summary(work_dir: str,
                  rows: List[Dict],
                  results: Results,
                  seeds: List[int],
                  with_cost: bool = False) -> str:
    """Write summary.md, summary.csv and runs.json; return the markdown.

    Args:
        work_dir (str): Folder to write into.
        rows (list[dict]): Rows of :func:`summarise`.
        results (dict): ``{variant: {seed: metrics}}``, for runs.json.
        seeds (list[int]): The seeds summarised.
        with_cost (bool): Whether the rows carry the cost columns.

    Returns:
        str: The markdown table.
    """
    markdown = to_markdown(rows, seeds, with_cost)
    with open(osp.join(work_dir, 'summary.md'), 'w', encoding='utf-8') as f:
        f.write(markdown + '\n')
    keys = [key for key, _ in _columns(with_cost)]
    with open(
            osp.join(work_dir, 'summary.csv'), 'w', newline='',
            encoding='utf-8') as f:
        writer = csv.writer(f)
        writer.writerow(['variant'] +
                        [f'{k}_{s}' for k in keys for s in ('mean', 'std')] +
                        [f'IoU_seed{s}' for s in seeds] + ['dead_runs'])
        for row in rows:
            writer.writerow([row['variant']] +
                            [f'{v:.4f}' for k in keys for v in row[k]] +
                            [f'{v:.4f}' for v in row['IoU_per_seed']] +
                            [row['dead_runs']])
    with open(osp.join(work_dir, 'runs.json'), 'w', encoding='utf-8') as f:
        json.dump({name: {str(s): m for s, m in by_seed.items()}
                   for name, by_seed in results.items()}, f, indent=2)
    return markdown
