r"""Compare distillation methods on one teacher, network and dataset.

Trains the num4 student alone (``configs/<net>/<net>_num4_<data>.py``) and
each method (``configs/distill/<method>_<net>_num16_num4_<data>.py``, all
with the same teacher checkpoint) once per seed, tests every run at
threshold 0.5 and over thresholds 0.05-0.95, and prints and writes
(``summary.md``, ``summary.csv``, ``runs.json``) a Table-1-style table:
mean ± std over the seeds, ΔIoU to the student alone, and each method's
training time per iteration relative to the student alone's. Finished runs
are not repeated when the command is re-run.

Example (the demo's data and teacher, a short schedule):
    python tools/analysis_tools/compare_distill.py work_dirs/compare \
        --teacher-ckpt work_dirs/demo/teacher/teacher_weights.pth \
        --net dnanet --data nudt --data-root work_dirs/demo/data \
        --methods kd nst at kdsvd rkd cckd mgd pkd dsad \
        --seeds 0 1 --iters 300

``--iters N`` trains every run for N iterations (cosine over N, one
checkpoint at the end, no validation during training) instead of the
configs' epochs; DSAD keeps its distillation warm-up (off for 50
iterations, full weight after 150), so below 150 iterations it is not at
full strength. ``--cfg-options`` apply to every run; ``--launcher pytorch
--nproc K`` runs each tool under torchrun on K processes (on CPU add
``--cfg-options env_cfg.dist_cfg.backend=gloo
model_wrapper_cfg.device_ids=None``).
"""
import argparse
import os
import os.path as osp
import sys
from typing import List, Optional

from mmdsad.utils.study_runs import (
    LAUNCHERS,
    REPO_ROOT,
    StudyRun,
    StudySettings,
    run_study,
)
from mmdsad.utils.study_summary import ALONE, summarise, write_summary
from mmdsad.utils.tool_runs import ToolRunError

NETWORKS = ('dnanet', 'amfunet', 'dmfnet')
DATASETS = ('nudt', 'sirst')
METHODS = ('kd', 'nst', 'at', 'kdsvd', 'rkd', 'cckd', 'mgd', 'pkd',
           'crosskd', 'dsad')
# An iteration schedule over a config of any loop: DSAD's cosine counted in
# iterations, one checkpoint and one test at the end.
ITERATION_SCHEDULE = '''_base_ = {config!r}
train_cfg = dict(
    _delete_=True, type='IterBasedTrainLoop', max_iters={iters},
    val_interval={iters}, val_begin={iters} + 1)
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max={iters}, eta_min=1e-5,
         by_epoch=False, begin=0, end={iters})
]
default_hooks = dict(
    logger=dict(interval=1, log_metric_by_epoch=False),
    checkpoint=dict(by_epoch=False, interval={iters}, save_best=None))
# Every iteration's own time, not a 10-iteration mean.
log_processor = dict(by_epoch=False, window_size=1)
'''


def student_config(net: str, data: str) -> str:
    """The student alone: ``configs/<net>/<net>_num4_<data>.py``."""
    return osp.join(REPO_ROOT, 'configs', net, f'{net}_num4_{data}.py')


def method_config(method: str, net: str, data: str) -> str:
    """A method: ``configs/distill/<method>_<net>_num16_num4_<data>.py``."""
    return osp.join(REPO_ROOT, 'configs', 'distill',
                    f'{method}_{net}_num16_num4_{data}.py')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line; refuse a method without its config."""
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.splitlines()[1:]))
    parser.add_argument('work_dir', help='where runs and summaries go')
    parser.add_argument(
        '--teacher-ckpt',
        required=True,
        help='weights-only num16 teacher checkpoint every method uses')
    parser.add_argument('--net', required=True, choices=NETWORKS)
    parser.add_argument('--data', required=True, choices=DATASETS)
    parser.add_argument(
        '--methods', nargs='+', required=True, choices=METHODS)
    parser.add_argument('--data-root', help='dataset root for every run')
    parser.add_argument(
        '--seeds', type=int, nargs='+', default=[0, 1, 2], help='seeds')
    parser.add_argument(
        '--iters',
        type=int,
        help='train N iterations instead of the configs\' schedule')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        default=[],
        metavar='KEY=VALUE',
        help='overrides for every run')
    parser.add_argument('--launcher', choices=LAUNCHERS, default='none')
    parser.add_argument(
        '--nproc', type=int, default=1, help='processes per run (pytorch)')
    args = parser.parse_args(argv)
    if len(set(args.methods)) != len(args.methods):
        parser.error(f'--methods must be distinct, got {args.methods}')
    if args.iters is not None and args.iters < 1:
        parser.error('--iters must be >= 1')
    if args.nproc < 1 or (args.nproc > 1 and args.launcher == 'none'):
        parser.error('--nproc > 1 needs --launcher pytorch')
    if not osp.isfile(args.teacher_ckpt):
        parser.error(f'--teacher-ckpt {args.teacher_ckpt} does not exist')
    missing = [
        method for method in args.methods
        if not osp.isfile(method_config(method, args.net, args.data))
    ]
    if missing:
        parser.error(
            f'no config for {missing} with {args.net} on {args.data}: '
            'expected ' + ', '.join(
                osp.relpath(method_config(m, args.net, args.data), REPO_ROOT)
                for m in missing))
    return args


def scheduled_config(name: str, config: str, args: argparse.Namespace) -> str:
    """``config`` itself, or with ``--iters`` a config inheriting it with
    the iteration schedule, written to ``<work_dir>/configs/<name>.py``."""
    if args.iters is None:
        return config
    folder = osp.join(args.work_dir, 'configs')
    os.makedirs(folder, exist_ok=True)
    path = osp.join(folder, f'{name}.py')
    with open(path, 'w', encoding='utf-8') as f:
        f.write(ITERATION_SCHEDULE.format(config=config, iters=args.iters))
    return path


def runs(args: argparse.Namespace) -> List[StudyRun]:
    """Every (variant, seed) run, the student alone first."""
    teacher = [f'model.teacher_ckpt={osp.abspath(args.teacher_ckpt)}']
    variants = [(ALONE, student_config(args.net, args.data), [])] + [
        (method, method_config(method, args.net, args.data), teacher)
        for method in args.methods
    ]
    return [
        StudyRun(name, scheduled_config(name, config, args), overrides, seed)
        for name, config, overrides in variants for seed in args.seeds
    ]


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    settings = StudySettings(
        work_dir=args.work_dir,
        data_root=args.data_root,
        cfg_options=args.cfg_options,
        threads=os.cpu_count() or 1,
        launcher=args.launcher,
        nproc=args.nproc)
    try:
        results = run_study(runs(args), settings)
    except ToolRunError as error:
        # The other runs are finished and kept; a re-run redoes only these.
        sys.exit(str(error))
    markdown = write_summary(
        args.work_dir,
        summarise(results, args.seeds, with_cost=True),
        results,
        args.seeds,
        with_cost=True)
    print(f'{args.net} num16 -> num4 on {args.data}, teacher '
          f'{args.teacher_ckpt}')
    print(markdown)
    print(f'Logs and checkpoints: {args.work_dir}/<variant>/seed<k>/; '
          f'summary.md, summary.csv, runs.json in {args.work_dir}')


if __name__ == '__main__':
    main()
