r"""Compare distillation methods on one teacher, network and dataset.

Trains the num4 student alone (``configs/<net>/<net>_num4_<data>.py``) and
each method (``configs/distill/<method>_<net>_num16_num4_<data>.py``, all
with the same teacher checkpoint) once per seed, tests every run at
threshold 0.5 and over thresholds 0.05-0.95, and prints and writes
(``summary.md``, ``summary.csv``, ``runs.json``) a Table-1-style table:
mean ± std over the seeds, ΔIoU to the student alone, and each method's
training time per iteration relative to the student alone's. Finished runs
are not repeated when the command is re-run.

Example (the demo's teacher and synthetic data with the demo's loaders, a
short schedule; docs/results.md has the table it printed):
    python tools/analysis_tools/compare_distill.py work_dirs/compare \
        --teacher-ckpt work_dirs/demo/teacher/teacher_weights.pth \
        --net dnanet --data nudt --data-root work_dirs/demo/data \
        --data-config configs/_base_/datasets/synthetic_sirst.py \
        --methods kd nst at kdsvd rkd cckd mgd pkd crosskd dsad \
        --seeds 0 1 --iters 200 --warmup-iters 50

With ``--tune`` each method's distillation weight is first chosen by one
protocol, the same for DSAD and every comparison method, on data that is
neither trained on nor tested (mmdsad/utils/distill_tuning.py has it in
full): 20 % of the training ids are held out (``--val-fraction``,
``--val-split-seed``); the factor ``model.distill_loss_weight`` on all of a
method's losses has three candidates, the configured weights, the
gradient-matched weights (the distillation gradient as strong as the
task's on a fresh student) and their geometric middle; each is trained once
(``--tune-seed``) on the rest of the training ids and the best validation
IoU averaged over thresholds 0.05-0.95 is kept. The choices are printed,
kept in ``<work_dir>/tune/tuning.md`` and written as configs in
``<work_dir>/tuned_configs/`` (each inherits the method's config), which the
final runs train on the whole training split and test on the test split:
    python tools/analysis_tools/compare_distill.py work_dirs/table1 \
        ... --seeds 1 2 3 --tune --jobs 2

``--data`` picks the configs (and so their teacher width and recipe);
``--data-config`` replaces the loaders and evaluators of every run with
those of a dataset config, for data the configs were not written for.
``--iters N`` trains every run for N iterations (cosine over N, one
checkpoint at the end, no validation during training) instead of the
configs' epochs, after ``--warmup-iters`` of linear learning-rate warm-up
if given (the demo's schedule has 50); every method keeps the
distillation warm-up of its config (off for 50 iterations, full weight
after 150), so below 150 iterations none is at full strength.
``--cfg-options`` apply to every run; ``--launcher pytorch --nproc K``
runs each tool under torchrun on K processes (on CPU add ``--cfg-options
env_cfg.dist_cfg.backend=gloo model_wrapper_cfg.device_ids=None``).
"""
import argparse
import dataclasses
import os
import os.path as osp
import sys
from typing import Dict, List, Optional

from mmengine.config import Config

from mmdsad_experiments.distill_tuning import (
    GRADIENT_BATCHES,
    WEIGHT_KEY,
    TuningProtocol,
    candidate_weights,
    check_protocol,
    choose_weight,
    read_gradient_ratio,
    tuned_variant,
    val_split_overrides,
    write_tuned_config,
    write_tuning,
)
from mmdsad_experiments.study_runs import (
    LAUNCHERS,
    REPO_ROOT,
    StudyRun,
    StudySettings,
    run_study,
)
from mmdsad_experiments.study_summary import ALONE, summarise, write_summary
from mmdsad_experiments.tool_runs import ToolRunError, run_logged

NETWORKS = ('dnanet', 'amfunet', 'dmfnet')
DATASETS = ('nudt', 'sirst')
METHODS = ('kd', 'nst', 'at', 'kdsvd', 'rkd', 'cckd', 'mgd', 'pkd',
           'crosskd', 'dsad')
# What --data-config replaces in every run.
DATA_KEYS = ('train_dataloader', 'val_dataloader', 'test_dataloader',
             'val_evaluator', 'test_evaluator')

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
        '--warmup-iters',
        type=int,
        default=0,
        help='linear learning-rate warm-up of the --iters schedule')
    parser.add_argument(
        '--data-config',
        help='dataset config whose loaders and evaluators every run uses')
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
        help='runs at once, each with cores / jobs threads (two one-thread '
        'runs side by side keep nearly full speed on a CPU)')
    tuning = parser.add_argument_group(
        'tuning (--tune; mmdsad/utils/distill_tuning.py has the protocol)')
    tuning.add_argument(
        '--tune',
        action='store_true',
        help='first choose each method\'s distill_loss_weight on a '
        'validation split of the training ids, then run the chosen ones')
    tuning.add_argument(
        '--val-fraction',
        type=float,
        default=0.2,
        help='share of the training ids held out for tuning')
    tuning.add_argument(
        '--val-split-seed', type=int, default=0, help='which held-out ids')
    tuning.add_argument(
        '--tune-seed',
        type=int,
        default=0,
        help='training seed of the tuning runs (pick --seeds without it '
        'to judge the chosen settings on unseen seeds)')
    parser.add_argument('--launcher', choices=LAUNCHERS, default='none')
    parser.add_argument(
        '--nproc', type=int, default=1, help='processes per run (pytorch)')
    args = parser.parse_args(argv)
    if len(set(args.methods)) != len(args.methods):
        parser.error(f'--methods must be distinct, got {args.methods}')
    if args.iters is not None and args.iters < 1:
        parser.error('--iters must be >= 1')
    if args.warmup_iters and (args.iters is None
                              or not 0 <= args.warmup_iters < args.iters):
        parser.error('--warmup-iters needs --iters and must be in '
                     '[0, --iters)')
    if args.data_config is not None:
        if not osp.isfile(args.data_config):
            parser.error(f'--data-config {args.data_config} does not exist')
        missing_keys = [
            key for key in DATA_KEYS
            if key not in Config.fromfile(args.data_config)
        ]
        if missing_keys:
            parser.error(f'--data-config {args.data_config} lacks '
                         f'{missing_keys}')
    if args.jobs < 1:
        parser.error('--jobs must be >= 1')
    if not 0 < args.val_fraction < 1:
        parser.error('--val-fraction must be in (0, 1)')
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


def iteration_schedule(iters: int, warmup_iters: int) -> dict:
    """DSAD's cosine counted in ``iters`` iterations, after ``warmup_iters``
    of linear warm-up; one checkpoint and one test at the end, no
    validation during training."""
    cosine = dict(
        type='CosineAnnealingLR',
        T_max=iters - warmup_iters,
        eta_min=1e-5,
        by_epoch=False,
        begin=warmup_iters,
        end=iters)
    warmup = [
        dict(
            type='LinearLR',
            start_factor=1e-3,
            by_epoch=False,
            begin=0,
            end=warmup_iters)
    ] if warmup_iters else []
    return dict(
        train_cfg=dict(
            _delete_=True,
            type='IterBasedTrainLoop',
            max_iters=iters,
            val_interval=iters,
            val_begin=iters + 1),
        param_scheduler=warmup + [cosine],
        default_hooks=dict(
            logger=dict(interval=1, log_metric_by_epoch=False),
            checkpoint=dict(by_epoch=False, interval=iters, save_best=None)),
        # Every iteration's own time, not a 10-iteration mean.
        log_processor=dict(by_epoch=False, window_size=1))


def data_overrides(data_config: str) -> dict:
    """The loaders and evaluators of ``data_config``, replacing a config's
    own."""
    data = Config.fromfile(data_config)
    return {
        key: dict(data[key], _delete_=True)
        if isinstance(data[key], dict) else data[key]
        for key in DATA_KEYS
    }


def inheriting_config(path: str, config: str, overrides: dict) -> str:
    """Write ``path``: ``config`` with ``overrides``; return ``path``."""
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(f'_base_ = {osp.abspath(config)!r}\n')
        f.write(Config(overrides).pretty_text)
    return path


def scheduled_config(name: str, config: str, args: argparse.Namespace,
                     work_dir: str) -> str:
    """``config`` itself, or with ``--iters`` or ``--data-config`` a config
    inheriting it with the iteration schedule and the other data, written
    to ``<work_dir>/configs/<name>.py``."""
    overrides = {}
    if args.iters is not None:
        overrides.update(iteration_schedule(args.iters, args.warmup_iters))
    if args.data_config is not None:
        overrides.update(data_overrides(args.data_config))
    if not overrides:
        return config
    return inheriting_config(
        osp.join(work_dir, 'configs', f'{name}.py'), config, overrides)


def teacher_option(args: argparse.Namespace) -> List[str]:
    return [f'model.teacher_ckpt={osp.abspath(args.teacher_ckpt)}']


def schedule_text(args: argparse.Namespace) -> str:
    """The schedule a tuning ran at, in words."""
    if args.iters is None:
        return 'the configs\' own schedule'
    return (f'{args.iters} iterations, {args.warmup_iters} of learning-rate '
            'warm-up' + (f', data of {args.data_config}'
                         if args.data_config else ''))


def gradient_ratio(method: str, config: str, args: argparse.Namespace,
                   settings: StudySettings) -> float:
    """Measure (or read the kept) distillation-to-task gradient ratio of a
    freshly initialised student: ``<tune dir>/gradients/<method>.json``."""
    out = osp.join(settings.work_dir, 'gradients', f'{method}.json')
    if not osp.exists(out):
        data = (['--data-root', osp.abspath(args.data_root)]
                if args.data_root else [])
        threads = str(settings.threads)
        run_logged([
            sys.executable, 'tools/analysis_tools/distill_gradients.py',
            osp.abspath(config), '--teacher-ckpt',
            osp.abspath(args.teacher_ckpt), *data, '--batches',
            str(GRADIENT_BATCHES), '--seed',
            str(args.tune_seed), '--json-out', out
        ], out[:-len('.json')] + '.log', f'{method} gradients', REPO_ROOT,
                   dict(OMP_NUM_THREADS=threads, MKL_NUM_THREADS=threads))
    return read_gradient_ratio(out)


def tune(args: argparse.Namespace, settings: StudySettings,
         configs: Dict[str, str]) -> Dict[str, str]:
    """Choose each method's weight on the validation split (the protocol of
    mmdsad/utils/distill_tuning.py); return the tuned configs.

    Args:
        args (argparse.Namespace): The command line.
        settings (StudySettings): The final runs' settings.
        configs (dict): ``{method: its config}``.

    Returns:
        dict: ``{method: the tuned config}``, written to
        ``<work_dir>/tuned_configs/``.
    """
    protocol = TuningProtocol(args.val_fraction, args.val_split_seed,
                              args.tune_seed)
    tune_dir = osp.join(args.work_dir, 'tune')
    os.makedirs(tune_dir, exist_ok=True)
    check_protocol(tune_dir, protocol)
    tune_settings = dataclasses.replace(settings, work_dir=tune_dir)

    def held_out(name: str, config: str) -> str:
        scheduled = scheduled_config(name, config, args, tune_dir)
        return inheriting_config(
            osp.join(tune_dir, 'configs', f'{name}_val_split.py'),
            scheduled, val_split_overrides(scheduled, protocol))

    alone = held_out(ALONE, student_config(args.net, args.data))
    val_configs = {m: held_out(m, c) for m, c in configs.items()}
    ratios = {
        m: gradient_ratio(m, c, args, tune_settings)
        for m, c in val_configs.items()
    }
    configured = {m: configured_weight(c) for m, c in configs.items()}
    candidates = {
        m: candidate_weights(r, configured[m])
        for m, r in ratios.items()
    }
    tune_runs = [StudyRun(ALONE, alone, [], protocol.seed)] + [
        StudyRun(
            tuned_variant(m, w), val_configs[m],
            teacher_option(args) + [f'model.{WEIGHT_KEY}={w!r}'],
            protocol.seed) for m in configs for w in candidates[m]
    ]
    # A candidate whose training fails (KD-SVD at its reference weight
    # drives the student to non-finite features) is ranked below every
    # other; the student alone must run, and one candidate per method.
    failed: Dict[str, str] = {}
    results = run_study(tune_runs, tune_settings, args.jobs, failed)
    if ALONE not in results:
        raise ToolRunError('the student alone failed on the tuning split:\n'
                           + '\n'.join(failed.values()))
    records = {ALONE: dict(val={1.0: results[ALONE][protocol.seed]})}
    tuned = {}
    for method, config in configs.items():
        runs_of = {w: results.get(tuned_variant(method, w), {})
                   for w in candidates[method]}
        val = {w: r[protocol.seed] for w, r in runs_of.items() if r}
        if not val:
            raise ToolRunError(f'every candidate of {method} failed:\n' +
                               '\n'.join(failed.values()))
        chosen = choose_weight(val, configured[method])
        records[method] = dict(
            ratio=ratios[method],
            val=val,
            failed=[w for w, r in runs_of.items() if not r],
            chosen=chosen)
        tuned[method] = osp.join(args.work_dir, 'tuned_configs',
                                 osp.basename(config))
        write_tuned_config(tuned[method], config, chosen, protocol,
                           schedule_text(args))
    print(f'Tuning on {args.val_fraction:g} of the training ids (split seed '
          f'{args.val_split_seed}), seed {args.tune_seed}:')
    print(write_tuning(tune_dir, records))
    return tuned


def runs(args: argparse.Namespace,
         configs: Optional[Dict[str, str]] = None) -> List[StudyRun]:
    """Every (variant, seed) run, the student alone first; ``configs``
    (``{method: config}``) defaults to ``args.methods``' own configs."""
    if configs is None:
        configs = {
            method: method_config(method, args.net, args.data)
            for method in args.methods
        }
    variants = [(ALONE, student_config(args.net, args.data), [])] + [
        (method, config, teacher_option(args))
        for method, config in configs.items()
    ]
    return [
        StudyRun(name, scheduled_config(name, config, args, args.work_dir),
                 overrides, seed)
        for name, config, overrides in variants for seed in args.seeds
    ]


def configured_weight(config: str) -> float:
    """The ``distill_loss_weight`` a config sets (1 when it sets none)."""
    return float(Config.fromfile(config).model.get(WEIGHT_KEY, 1.0))


def labelled(results: dict, configs: Dict[str, str]) -> dict:
    """The results with each tuned method labelled by its chosen weight."""
    weights = {
        method: configured_weight(config)
        for method, config in configs.items()
    }
    return {
        name if name not in weights else f'{name} ×{weights[name]:g}': runs
        for name, runs in results.items()
    }


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    settings = StudySettings(
        work_dir=args.work_dir,
        data_root=args.data_root,
        cfg_options=args.cfg_options,
        threads=max(1, (os.cpu_count() or 1) // args.jobs),
        launcher=args.launcher,
        nproc=args.nproc)
    configs = {
        method: method_config(method, args.net, args.data)
        for method in args.methods
    }
    try:
        if args.tune:
            configs = tune(args, settings, configs)
        results = run_study(runs(args, configs), settings, args.jobs)
    except (ToolRunError, FileExistsError, ValueError) as error:
        # The other runs are finished and kept; a re-run redoes only these.
        sys.exit(str(error))
    if args.tune:
        results = labelled(results, configs)
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
          f'summary.md, summary.csv, runs.json in {args.work_dir}' +
          (f'; the tuning in {args.work_dir}/tune/ (tuning.md) and the '
           f'chosen configs in {args.work_dir}/tuned_configs/'
           if args.tune else ''))


if __name__ == '__main__':
    main()
