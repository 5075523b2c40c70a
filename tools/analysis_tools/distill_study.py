"""Student alone vs distilled students over several seeds, one teacher.

Trains the student config alone and each distillation config (with the
same teacher checkpoint) once per seed, tests every run on the config's
test split at threshold 0.5 and over thresholds 0.05-0.95, and prints and
writes (``summary.md``, ``summary.csv``, ``runs.json``) mean ± std over the
seeds. Finished runs are not repeated when the command is re-run.

Example (the demo's data and teacher; Table 4's weight ablation):
    python tools/analysis_tools/distill_study.py work_dirs/study_demo \
        --data-root work_dirs/demo/data \
        --teacher-ckpt work_dirs/demo/teacher/teacher_weights.pth \
        --student configs/demo/dnanet_num4_synthetic.py \
        --distill dsad configs/demo/dsad_dnanet_num16_num4_synthetic.py \
        --distill uniform \
            configs/demo/dsad_uniform_weights_dnanet_num16_num4_synthetic.py \
        --distill no_kd configs/demo/dsad_dnanet_num16_num4_synthetic.py \
            model.distiller.distill_losses.loss_pwmse_encoder.loss_weight=0 \
            model.distiller.distill_losses.loss_pwmse_decoder.loss_weight=0 \
        --seeds 0 1 2 --jobs 2

A ``--distill`` entry is a name, a config and optional ``key=value``
overrides for that variant (mmengine's ``--cfg-options`` syntax, which
cannot express a dict inside a list: put such changes in a config that
inherits); ``--cfg-options`` apply to every run (e.g. a shorter schedule).
With ``--jobs N`` the runs share the cores (``OMP_NUM_THREADS`` = cores / N).
"""
import argparse
import csv
import json
import os
import os.path as osp
import statistics
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, Optional, Tuple

from mmdsad.utils.tool_runs import (
    SWEEP_KEY,
    ToolRunError,
    add_sweep_mean,
    last_checkpoint,
    progress_bar,
    run_logged,
    sweep_option,
)

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
ALONE = 'alone'
METRIC_KEYS = ('IoU', 'nIoU', 'Pd', 'Fa_1e-6')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.splitlines()[1:]))
    parser.add_argument('work_dir', help='where runs and summaries go')
    parser.add_argument(
        '--student', required=True, help='config of the student alone')
    parser.add_argument(
        '--distill',
        nargs='+',
        action='append',
        default=[],
        metavar='NAME CONFIG [KEY=VALUE ...]',
        help='a distillation variant: its name, config and overrides')
    parser.add_argument(
        '--teacher-ckpt',
        required=True,
        help='weights-only teacher checkpoint every variant uses')
    parser.add_argument('--data-root', help='dataset root for every run')
    parser.add_argument(
        '--seeds', type=int, nargs='+', default=[0, 1, 2], help='seeds')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        default=[],
        metavar='KEY=VALUE',
        help='overrides for every run')
    parser.add_argument(
        '--jobs',
        type=int,
        default=1,
        help='runs at once; each gets cpu_count // jobs threads')
    args = parser.parse_args(argv)
    for entry in args.distill:
        if len(entry) < 2:
            parser.error('--distill takes NAME CONFIG [KEY=VALUE ...], got '
                         f'{entry}')
        if entry[0] == ALONE:
            parser.error(f'the variant name {ALONE!r} is the student alone')
    names = [entry[0] for entry in args.distill]
    if len(set(names)) != len(names):
        parser.error(f'--distill names must be distinct, got {names}')
    for path in [args.student, args.teacher_ckpt
                 ] + [entry[1] for entry in args.distill]:
        if not osp.exists(path):
            parser.error(f'{path} does not exist')
    if args.jobs < 1:
        parser.error('--jobs must be >= 1')
    return args


def variants(args: argparse.Namespace) -> List[Tuple[str, str, List[str]]]:
    """(name, config, overrides) of every variant, the student alone first."""
    teacher = [f'model.teacher_ckpt={osp.abspath(args.teacher_ckpt)}']
    return [(ALONE, args.student, [])] + [
        (entry[0], entry[1], teacher + entry[2:]) for entry in args.distill
    ]


def run_one(name: str, config: str, overrides: List[str], seed: int,
            args: argparse.Namespace, progress, threads: int) -> Dict:
    """Train and test one variant at one seed; reuse a finished result."""
    run_dir = osp.abspath(osp.join(args.work_dir, name, f'seed{seed}'))
    result_file = osp.join(run_dir, 'test_metrics.json')
    if osp.exists(result_file):
        with open(result_file, encoding='utf-8') as f:
            return json.load(f)
    options = [f'randomness.seed={seed}', *args.cfg_options, *overrides]
    # The tools run from the repository root: paths must not depend on ours.
    config = osp.abspath(config)
    data = ['--data-root', osp.abspath(args.data_root)
            ] if args.data_root else []
    env = dict(OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    label = f'{name} seed {seed}'
    run_logged([
        sys.executable, 'tools/train.py', config, '--work-dir', run_dir,
        *data, '--cfg-options', *options
    ], osp.join(run_dir, 'train.log'), label, REPO_ROOT, env, progress)
    run_logged([
        sys.executable, 'tools/test.py', config,
        last_checkpoint(run_dir), '--work-dir', run_dir, *data,
        '--metrics-out', result_file + '.tmp', '--cfg-options', *options,
        sweep_option()
    ], osp.join(run_dir, 'test.log'), label, REPO_ROOT, env, progress)
    with open(result_file + '.tmp', encoding='utf-8') as f:
        metrics = add_sweep_mean(json.load(f))
    # Written last, so an interrupted run is redone rather than half-read.
    with open(result_file, 'w', encoding='utf-8') as f:
        json.dump(metrics, f, indent=2)
    os.remove(result_file + '.tmp')
    return metrics


def mean_std(values: List[float]) -> Tuple[float, float]:
    """Mean and sample standard deviation (0 for a single value)."""
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return statistics.fmean(values), std


def summarise(results: Dict[str, Dict[int, Dict]],
              seeds: List[int]) -> List[Dict]:
    """One row per variant: per-seed IoU, mean ± std of every metric, and
    the mean paired IoU difference to the student alone."""
    keys = METRIC_KEYS + (SWEEP_KEY, )
    rows = []
    for name, by_seed in results.items():
        row = dict(variant=name)
        for key in keys:
            row[key] = mean_std([by_seed[s][key] for s in seeds])
        row['IoU_per_seed'] = [by_seed[s]['IoU'] for s in seeds]
        row['dIoU_vs_alone'] = mean_std([
            by_seed[s]['IoU'] - results[ALONE][s]['IoU'] for s in seeds
        ])
        rows.append(row)
    return rows


def to_markdown(rows: List[Dict], seeds: List[int]) -> str:
    """The summary as a markdown table."""
    header = ['variant', 'IoU', 'nIoU', 'Pd', 'Fa (1e-6)',
              'IoU 0.05-0.95', 'ΔIoU vs alone', 'IoU per seed']
    lines = ['| ' + ' | '.join(header) + ' |',
             '|' + '---|' * len(header)]
    for row in rows:
        cells = [row['variant']] + [
            f'{row[k][0]:.2f} ± {row[k][1]:.2f}'
            for k in METRIC_KEYS + (SWEEP_KEY, 'dIoU_vs_alone')
        ] + [' / '.join(f'{v:.2f}' for v in row['IoU_per_seed'])]
        lines.append('| ' + ' | '.join(cells) + ' |')
    lines.append('')
    lines.append(f'Seeds {", ".join(map(str, seeds))}; mean ± sample std; '
                 'threshold 0.5 unless stated; "IoU 0.05-0.95" is the mean '
                 'IoU over the 19 thresholds 0.05, 0.10, ..., 0.95; ΔIoU is '
                 'paired by seed.')
    return '\n'.join(lines)


def write_outputs(work_dir: str, rows: List[Dict], results: Dict,
                  seeds: List[int]) -> str:
    """Write summary.md, summary.csv and runs.json; return the markdown."""
    markdown = to_markdown(rows, seeds)
    with open(osp.join(work_dir, 'summary.md'), 'w', encoding='utf-8') as f:
        f.write(markdown + '\n')
    with open(
            osp.join(work_dir, 'summary.csv'), 'w', newline='',
            encoding='utf-8') as f:
        writer = csv.writer(f)
        keys = METRIC_KEYS + (SWEEP_KEY, 'dIoU_vs_alone')
        writer.writerow(['variant'] + [f'{k}_{s}' for k in keys
                                       for s in ('mean', 'std')] +
                        [f'IoU_seed{s}' for s in seeds])
        for row in rows:
            writer.writerow([row['variant']] +
                            [f'{v:.4f}' for k in keys for v in row[k]] +
                            [f'{v:.4f}' for v in row['IoU_per_seed']])
    with open(osp.join(work_dir, 'runs.json'), 'w', encoding='utf-8') as f:
        json.dump({name: {str(s): m for s, m in by_seed.items()}
                   for name, by_seed in results.items()}, f, indent=2)
    return markdown


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    os.makedirs(args.work_dir, exist_ok=True)
    jobs = [(name, config, overrides, seed)
            for name, config, overrides in variants(args)
            for seed in args.seeds]
    threads = max(1, (os.cpu_count() or 1) // args.jobs)
    results: Dict[str, Dict[int, Dict]] = {}
    with progress_bar() as progress, ThreadPoolExecutor(args.jobs) as pool:
        futures = [
            pool.submit(run_one, *job, args, progress, threads)
            for job in jobs
        ]
        failed = []
        for (name, _, _, seed), future in zip(jobs, futures):
            try:
                results.setdefault(name, {})[seed] = future.result()
            except ToolRunError as error:
                failed.append(f'{name} seed {seed}: {error}')
    if failed:
        # The other runs are finished and kept; a re-run redoes only these.
        sys.exit('Failed runs:\n' + '\n'.join(failed))
    markdown = write_outputs(args.work_dir,
                             summarise(results, args.seeds), results,
                             args.seeds)
    print(markdown)
    print(f'Logs and checkpoints: {args.work_dir}/<variant>/seed<k>/; '
          f'summary.md, summary.csv, runs.json in {args.work_dir}')


if __name__ == '__main__':
    main()
