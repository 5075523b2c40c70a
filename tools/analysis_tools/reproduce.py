r"""Reproduce a row of the DSAD paper's Table 1 for one network and dataset.

1. Train and test the teacher, configs/<net>/<net>_num16_<data>.py, once
   (seed 0, whatever --seeds: every student shares it); convert its last
   checkpoint to weights-only (tools/model_converters/to_weights_only.py).
2. Per seed, train and test with that teacher, as compare_distill.py
   does: the student alone, configs/<net>/<net>_num4_<data>.py; each
   --methods entry and DSAD, configs/distill/<m>_<net>_num16_num4_<data>.py.
3. Print and write (summary.md, summary.json) IoU, nIoU, Pd and Fa at
   threshold 0.5, mean ± std over the seeds, beside the paper's figures,
   with the schedule, the device and each training's iterations per
   second (1 / mean "time" of its vis_data/scalars.json, first left out).
A re-run skips the steps whose result file exists (a run's
test_metrics.json, the teacher's weights-only file) and redoes an
unfinished one from its start.

Example (the paper's schedule, the configs': 1500 epochs, batch 16):
    python tools/analysis_tools/reproduce.py --net dnanet --data nudt \
        --epochs 1500 --work-dir work_dirs/repro_dnanet_nudt --seeds 0 1 2

--epochs N: every run trains N epochs, the cosine spans them, validation
and checkpoints come every min(50, N) epochs and at the end (the
distillation warm-up counts iterations: off for 50, full after 150).
--amp sets in every config what tools/train.py --amp sets. --cfg-options
apply to every run; --epochs wins on the keys it sets.
"""
import argparse
import json
import os
import os.path as osp
import platform
import sys
from functools import lru_cache
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.config import Config

from mmdsad_experiments.comparison import Comparison, method_variants
from mmdsad_experiments.method_configs import (
    DATASETS,
    METHODS,
    NETWORKS,
    student_config,
)
from mmdsad_experiments.scalars import mean_time, training_scalars
from mmdsad_experiments.study_runs import (
    REPO_ROOT,
    StudyRun,
    StudySettings,
    run_study,
)
from mmdsad_experiments.study_summary import (
    ALONE,
    METRIC_KEYS,
    mean_std,
    summarise,
    to_markdown,
)
from mmdsad_experiments.tool_runs import (
    ToolRunError,
    last_checkpoint,
    run_logged,
)

TEACHER, DSAD, SPEED_KEY = 'teacher', 'dsad', 'iters_per_s'
TEACHER_SEED = 0
DATASET_NAMES = dict(nudt='NUDT-SIRST', sirst='NUAA-SIRST')
# The DSAD paper's Table 1 (docs/paper-numbers.md): IoU, Pd (%)
# and Fa (1e-5) of the teacher, the student alone and DSAD.
PAPER = {
    ('dnanet', 'nudt'): ((86.13, 98.52, 0.250), (79.68, 97.35, 1.13),
                         (84.79, 98.10, 0.882)),
    ('dnanet', 'sirst'): ((75.86, 96.58, 1.38), (74.29, 95.82, 2.25),
                          (75.69, 97.34, 1.65)),
    ('amfunet', 'nudt'): ((83.21, 97.57, 0.855), (78.98, 95.45, 1.15),
                          (80.79, 97.14, 1.73)),
    ('amfunet', 'sirst'): ((75.62, 95.43, 1.65), (73.13, 93.92, 1.23),
                           (75.26, 95.06, 0.920)),
    ('dmfnet', 'nudt'): ((86.43, 98.41, 0.398), (80.94, 96.93, 1.29),
                         (84.30, 98.20, 0.489)),
    ('dmfnet', 'sirst'): ((75.03, 96.96, 1.40), (72.29, 95.82, 1.20),
                          (74.16, 96.20, 1.33)),
}
# Its comparison methods, DNANet only: IoU on NUDT-SIRST, NUAA-SIRST.
PAPER_METHODS = dict(
    kd=(80.70, 74.38), nst=(83.15, 75.13), at=(81.39, 74.96),
    kdsvd=(82.74, 74.51), rkd=(81.78, 75.23), cckd=(81.73, 73.53),
    mgd=(83.04, 73.34), pkd=(83.62, 74.65), crosskd=(83.36, 74.66))
# What tools/train.py --amp changes in a config (the study runner passes
# no train-only flags).
AMP_OPTIONS = ['optim_wrapper.type=AmpOptimWrapper',
               'optim_wrapper.loss_scale=dynamic']


def paper_row(name: str, net: str, data: str) -> Dict[str, float]:
    """The paper's ``IoU``, ``Pd``, ``Fa_1e-5`` of a model (those it has)."""
    if name in PAPER_METHODS:
        iou = PAPER_METHODS[name][list(DATASET_NAMES).index(data)]
        return dict(IoU=iou) if net == 'dnanet' else {}
    row = PAPER[net, data][(TEACHER, ALONE, DSAD).index(name)]
    return dict(zip(('IoU', 'Pd', 'Fa_1e-5'), row))


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line; refuse what cannot run."""
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.splitlines()[1:]))
    parser.add_argument('--net', required=True, choices=NETWORKS)
    parser.add_argument('--data', required=True, choices=DATASETS)
    parser.add_argument('--work-dir', required=True, help='where runs go')
    parser.add_argument(
        '--epochs', type=int, help='epochs of every run (default: the '
        'configs\' 1500)')
    parser.add_argument('--amp', action='store_true', help='mixed precision')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument(
        '--methods', nargs='+', default=[], metavar='METHOD',
        help='comparison methods: %(choices)s',
        choices=[m for m in METHODS if m != DSAD])
    parser.add_argument('--data-root', help='dataset root for every run')
    parser.add_argument(
        '--threads', type=int, default=os.cpu_count() or 1,
        help='CPU threads of each run (default: all cores)')
    parser.add_argument(
        '--cfg-options', nargs='+', default=[], metavar='KEY=VALUE',
        help='overrides for every run')
    args = parser.parse_args(argv)
    if args.epochs is not None and args.epochs < 1:
        parser.error(f'--epochs must be >= 1, got {args.epochs}')
    if args.threads < 1:
        parser.error(f'--threads must be >= 1, got {args.threads}')
    for name in ('seeds', 'methods'):
        if len(set(getattr(args, name))) != len(getattr(args, name)):
            parser.error(f'--{name} must be distinct, got '
                         f'{getattr(args, name)}')
    if args.amp and not torch.cuda.is_available():
        parser.error('--amp needs a CUDA device (mmengine\'s '
                     'AmpOptimWrapper does not train on the CPU)')
    return args


@lru_cache(maxsize=None)
def schedule_options(config: str, epochs: Optional[int]) -> Tuple[str, ...]:
    """``--cfg-options`` that make an epoch-based config train ``epochs``.

    Args:
        config (str): The config.
        epochs (int, optional): Epochs; None keeps the config's schedule.

    Returns:
        tuple[str]: The loop's length, the validation and checkpoint
        intervals (at most ``epochs``), and every scheduler that spans the
        whole schedule stretched to span ``epochs``.
    """
    if epochs is None:
        return ()
    cfg = Config.fromfile(config)
    old = cfg.train_cfg.max_epochs
    options = [
        f'train_cfg.max_epochs={epochs}',
        f'train_cfg.val_interval={min(cfg.train_cfg.val_interval, epochs)}',
        'default_hooks.checkpoint.interval='
        f'{min(cfg.default_hooks.checkpoint.interval, epochs)}'
    ]
    for i, scheduler in enumerate(cfg.get('param_scheduler') or []):
        begin = scheduler.get('begin', 0)
        if scheduler.get('end') == old:
            options.append(f'param_scheduler.{i}.end={epochs}')
        if scheduler.get('T_max') == old - begin:
            options.append(f'param_scheduler.{i}.T_max={epochs - begin}')
    return tuple(options)


def training_record(run_dir: str) -> Dict[str, float]:
    """Iterations per second, epochs, iterations and batch of a training.

    Args:
        run_dir (str): The run's work dir. Its newest mmengine log folder
            with training records is read (test.py writes folders too).

    Returns:
        dict: ``iters_per_s``, ``epochs``, ``iters`` and ``batch``.
    """
    path, train = training_scalars(run_dir)
    cfg = Config.fromfile(osp.join(osp.dirname(path), 'config.py'))
    return {SPEED_KEY: 1 / mean_time(path, train),
            'epochs': train[-1]['epoch'], 'iters': train[-1]['iter'],
            'batch': cfg.train_dataloader.batch_size}


def device_name() -> str:
    """The CUDA device's name, else the CPU model."""
    if torch.cuda.is_available():
        return torch.cuda.get_device_name(0)
    models = []
    if osp.exists('/proc/cpuinfo'):
        with open('/proc/cpuinfo', encoding='utf-8') as f:
            models = [line.split(':', 1)[1].strip() for line in f
                      if line.startswith('model name')]
    return f'{(models or [platform.machine()])[0]} (CPU)'


def cell(runs: Sequence[Dict[str, float]], key: str,
         scale: float = 1.0) -> str:
    """Mean ± sample std of ``key`` over ``runs``, or a single run's."""
    mean, std = mean_std([run[key] * scale for run in runs])
    return f'{mean:.2f}' if len(runs) == 1 else f'{mean:.2f} ± {std:.2f}'


def paper_table(results: Dict, net: str, data: str) -> str:
    """Markdown table: our figures beside the paper's, per model."""
    head = ['model', 'IoU', 'paper', 'nIoU', 'Pd', 'paper', 'Fa (1e-5)',
            'paper', 'iter/s']
    lines = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
    for name, by_seed in results.items():
        runs = list(by_seed.values())
        paper = {k: f'{v:.2f}' if k != 'Fa_1e-5' else f'{v:g}'
                 for k, v in paper_row(name, net, data).items()}
        # Our Fa is in 1e-6, the paper's in 1e-5.
        cells = [name, cell(runs, 'IoU'), paper.get('IoU', '–'),
                 cell(runs, 'nIoU'), cell(runs, 'Pd'), paper.get('Pd', '–'),
                 cell(runs, 'Fa_1e-6', 0.1), paper.get('Fa_1e-5', '–'),
                 cell(runs, SPEED_KEY)]
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def run_all(args: argparse.Namespace) -> Dict[str, Dict[int, Dict]]:
    """Train and test (or reuse) every model; ``{model: {seed: metrics}}``.

    Raises:
        ToolRunError: A step failed (the message names its log).
    """
    settings = StudySettings(
        work_dir=args.work_dir, data_root=args.data_root,
        cfg_options=args.cfg_options + (AMP_OPTIONS if args.amp else []),
        threads=args.threads)
    config = osp.join(REPO_ROOT, 'configs', args.net,
                      f'{args.net}_num16_{args.data}.py')
    results = run_study([StudyRun(TEACHER, config,
                                  [*schedule_options(config, args.epochs)],
                                  TEACHER_SEED)], settings)
    weights = osp.abspath(
        osp.join(args.work_dir, TEACHER, 'teacher_weights.pth'))
    if not osp.exists(weights):
        command = [
            sys.executable, 'tools/model_converters/to_weights_only.py',
            last_checkpoint(osp.join(osp.dirname(weights),
                                     f'seed{TEACHER_SEED}')), weights
        ]
        print('$ ' + ' '.join(command), flush=True)
        run_logged(command, osp.join(osp.dirname(weights), 'convert.log'),
                   'teacher to weights-only', REPO_ROOT)
    runs = Comparison(settings, weights,
                      student_config(args.net, args.data)).runs(
                          method_variants(args.methods + [DSAD], args.net,
                                          args.data, args.work_dir),
                          args.seeds)
    results.update(run_study([
        StudyRun(run.name, run.config,
                 [*run.overrides, *schedule_options(run.config, args.epochs)],
                 run.seed)
        for run in runs
    ], settings))
    return results


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    try:
        results = run_all(args)
    except ToolRunError as error:
        # Finished steps are kept; a re-run redoes only the failed ones.
        sys.exit(str(error))
    schedules = set()
    for name, by_seed in results.items():
        for seed, metrics in by_seed.items():
            record = training_record(
                osp.join(args.work_dir, name, f'seed{seed}'))
            metrics[SPEED_KEY] = record.pop(SPEED_KEY)
            schedules.add(tuple(sorted(record.items())))
    schedules = [dict(s) for s in sorted(schedules)]
    students = {k: v for k, v in results.items() if k != TEACHER}
    device = device_name()
    markdown = '\n\n'.join([
        f'{args.net} num16 -> num4 on {DATASET_NAMES[args.data]}, '
        f'threshold 0.5; ours: mean ± std over seeds '
        f'{" ".join(map(str, args.seeds))} (teacher: one run, seed '
        f'{TEACHER_SEED}); paper: DSAD Table 1; IoU, nIoU, Pd in %.',
        paper_table(results, args.net, args.data),
        'Schedule of each training: ' + '; '.join(
            'epochs {epochs}, iterations {iters}, batch {batch}'.format(**s)
            for s in schedules) + (' (AMP)' if args.amp else '') +
        f'. Device: {device}. iter/s: 1 / mean logged training time '
        'per iteration (vis_data/scalars.json).',
        to_markdown(summarise(students, args.seeds), args.seeds)])
    with open(osp.join(args.work_dir, 'summary.md'), 'w',
              encoding='utf-8') as f:
        f.write(markdown + '\n')
    summary = dict(
        net=args.net, data=args.data, seeds=args.seeds, amp=args.amp,
        teacher_seed=TEACHER_SEED, device=device, schedules=schedules,
        paper={name: paper_row(name, args.net, args.data)
               for name in results},
        ours={name: {key: mean_std([m[key] for m in by_seed.values()])
                     for key in METRIC_KEYS + (SPEED_KEY, )}
              for name, by_seed in results.items()},
        runs={name: {str(s): m for s, m in by_seed.items()}
              for name, by_seed in results.items()})
    with open(osp.join(args.work_dir, 'summary.json'), 'w',
              encoding='utf-8') as f:
        json.dump(summary, f, indent=2)
    print(markdown)
    print(f'Logs and checkpoints: {args.work_dir}/<model>/seed<k>/; '
          f'summary.md, summary.json in {args.work_dir}')


if __name__ == '__main__':
    main()
