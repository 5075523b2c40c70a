r"""Compare distillation methods on one teacher, network and dataset.

Trains the num4 student alone (``configs/<net>/<net>_num4_<data>.py``, or
``--student``), each method of ``--methods`` and each ``--distill``
variant, all with the same teacher checkpoint, once per seed,
tests every run at threshold 0.5 and over thresholds 0.05-0.95, and prints
and writes (``summary.md``, ``summary.csv``, ``runs.json``) a
Table-1-style table: mean ± std over the seeds, ΔIoU to the student alone,
and each variant's training time per iteration (from mmengine's
``vis_data/scalars.json``) relative to the student alone's. Finished runs
are not repeated when the command is re-run; the work dir is tied to the
SHA-256 of the teacher's weights (``teacher.json``; its state dict, not
the file, whose metadata changes between trainings), so a re-run with
another teacher is refused rather than mixed in.

Example (the demo's teacher and synthetic data with the demo's loaders, a
short schedule; docs/results.md has the table it printed):
    python tools/analysis_tools/compare_distill.py work_dirs/compare \
        --teacher-ckpt work_dirs/demo/teacher/teacher_weights.pth \
        --net dnanet --data nudt --data-root work_dirs/demo/data \
        --data-config configs/_base_/datasets/synthetic_sirst.py \
        --methods kd nst at kdsvd rkd cckd mgd pkd crosskd dsad \
        --seeds 0 1 --iters 200 --warmup-iters 50

A ``--distill NAME CONFIG [KEY=VALUE ...]`` variant is any distillation
config with overrides of its own (mmengine's ``--cfg-options`` syntax, which
cannot express a dict inside a list: put such changes in a config that
inherits); with ``--student`` and only such variants, ``--net`` and
``--data`` are not needed. Example (Table 4's weight ablation on the demo):
    python tools/analysis_tools/compare_distill.py work_dirs/study_demo \
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

With ``--tune`` each method's distillation weight is first chosen by one
protocol, the same for DSAD and every comparison method, on data that is
neither trained on nor tested (mmdsad_experiments/distill_tuning.py has it
in full): 20 % of the training ids are held out (``--val-fraction``,
``--val-split-seed``); the factor ``model.distill_loss_weight`` on all of a
method's losses has three candidates, the reference weights (factor 1;
``--tune-from configured``: the factor the method's config sets), the
gradient-matched weights (the distillation gradient as strong as the
task's on a fresh student) and their geometric middle; each is trained once
(``--tune-seed``) on the rest of the training ids and the best validation
IoU averaged over thresholds 0.05-0.95 is kept. The choices are printed,
kept in ``<work_dir>/tune/tuning.md`` and written as configs in
``<work_dir>/tuned_configs/`` (each inherits the method's config), which the
final runs train on the whole training split and test on the test split
(``--distill`` variants keep their own weights: they are not tuned):
    python tools/analysis_tools/compare_distill.py work_dirs/table1 \
        ... --seeds 1 2 3 --tune --jobs 2

A method's config is ``configs/distill/<method>_<net>_num16_num4_<data>.py``
where there is one (every method has one for DNANet on NUDT-SIRST);
otherwise it is composed from that DNANet config and the network's entry
of module names in ``configs/_base_/distill/distill_points.py``, with the
methods' reference weights, and written to ``<work_dir>/configs/``.
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
import os
import os.path as osp
import sys
from typing import List, Optional

from mmengine.config import Config

from mmdsad_experiments.comparison import (
    Comparison,
    Schedule,
    Variant,
    method_variants,
)
from mmdsad_experiments.distill_tuning import TUNING_STARTS, TuningProtocol
from mmdsad_experiments.method_configs import (
    DATA_KEYS,
    DATASETS,
    METHODS,
    NETWORKS,
    missing_method_configs,
    student_config,
)
from mmdsad_experiments.study_runs import LAUNCHERS, StudySettings, run_study
from mmdsad_experiments.study_summary import ALONE, summarise, write_summary
from mmdsad_experiments.tool_runs import ToolRunError
from mmdsad_experiments.tuning_runs import labelled, tune


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line; refuse a variant without its config."""
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.splitlines()[1:]))
    parser.add_argument('work_dir', help='where runs and summaries go')
    parser.add_argument(
        '--teacher-ckpt',
        required=True,
        help='weights-only num16 teacher checkpoint every variant uses')
    parser.add_argument(
        '--net',
        choices=NETWORKS,
        help='with --data: the configs of --methods and the student alone')
    parser.add_argument('--data', choices=DATASETS)
    parser.add_argument(
        '--methods', nargs='+', default=[], choices=METHODS)
    parser.add_argument(
        '--student',
        help='config of the student alone (default: '
        'configs/<net>/<net>_num4_<data>.py)')
    parser.add_argument(
        '--distill',
        nargs='+',
        action='append',
        default=[],
        metavar='NAME CONFIG [KEY=VALUE ...]',
        help='a distillation variant: its name, config and overrides')
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
        'tuning (--tune; mmdsad_experiments/distill_tuning.py has the '
        'protocol)')
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
    tuning.add_argument(
        '--tune-from',
        choices=TUNING_STARTS,
        default='reference',
        help='the weight the candidates surround: the methods\' reference '
        'weights (factor 1; the same start for every method and dataset) '
        'or the factor each method\'s config sets (to refine it)')
    parser.add_argument('--launcher', choices=LAUNCHERS, default='none')
    parser.add_argument(
        '--nproc', type=int, default=1, help='processes per run (pytorch)')
    args = parser.parse_args(argv)
    check_variants(parser, args)
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
    return args


def check_variants(parser: argparse.ArgumentParser,
                   args: argparse.Namespace) -> None:
    """Refuse variants that are missing, unnamed, named twice, or whose
    configs do not exist."""
    if not args.methods and not args.distill:
        parser.error('give --methods, --distill or both')
    if (args.methods or not args.student) and not (args.net and args.data):
        parser.error('--net and --data are needed for --methods and for the '
                     'default student (or pass --student)')
    for entry in args.distill:
        if len(entry) < 2:
            parser.error('--distill takes NAME CONFIG [KEY=VALUE ...], got '
                         f'{entry}')
    names = args.methods + [entry[0] for entry in args.distill]
    if len(set(names)) != len(names):
        parser.error(f'--methods and --distill names must be distinct, got '
                     f'{names}')
    if ALONE in names:
        parser.error(f'the variant name {ALONE!r} is the student alone')
    if args.tune and args.distill:
        parser.error('--tune chooses the weights of --methods; a --distill '
                     'variant keeps its own (run it without --tune)')
    for path in [args.student or ''] + [e[1] for e in args.distill]:
        if path and not osp.isfile(path):
            parser.error(f'config {path} does not exist')
    missing = missing_method_configs(args.methods, args.net, args.data)
    if missing:
        parser.error(f'no config for some --methods with {args.net} on '
                     f'{args.data}: expected ' + ', '.join(missing))


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    comparison = Comparison(
        StudySettings(
            work_dir=args.work_dir,
            data_root=args.data_root,
            cfg_options=args.cfg_options,
            threads=max(1, (os.cpu_count() or 1) // args.jobs),
            launcher=args.launcher,
            nproc=args.nproc),
        args.teacher_ckpt,
        args.student or student_config(args.net, args.data),
        Schedule(args.iters, args.warmup_iters, args.data_config))
    methods = method_variants(args.methods, args.net, args.data,
                              args.work_dir)
    try:
        comparison.bind_teacher()
        if args.tune:
            tuned, table = tune(
                comparison, {m.name: m.config
                             for m in methods},
                TuningProtocol(args.val_fraction, args.val_split_seed,
                               args.tune_seed, args.tune_from), args.jobs)
            print(f'Tuning on {args.val_fraction:g} of the training ids '
                  f'(split seed {args.val_split_seed}), seed '
                  f'{args.tune_seed}:')
            print(table)
            methods = [Variant(m, c) for m, c in tuned.items()]
        variants = methods + [Variant(e[0], e[1], e[2:]) for e in args.distill]
        results = run_study(
            comparison.runs(variants, args.seeds), comparison.settings,
            args.jobs)
        if args.tune:
            results = labelled(results, tuned)
        rows = summarise(results, args.seeds, with_cost=True)
    except (ToolRunError, FileExistsError, ValueError) as error:
        # The other runs are finished and kept; a re-run redoes only these.
        sys.exit(str(error))
    markdown = write_summary(
        args.work_dir, rows, results, args.seeds, with_cost=True)
    what = (f'{args.net} num16 -> num4 on {args.data}'
            if args.net else f'student {args.student}')
    print(f'{what}, teacher {args.teacher_ckpt}')
    print(markdown)
    print(f'Logs and checkpoints: {args.work_dir}/<variant>/seed<k>/; '
          f'summary.md, summary.csv, runs.json in {args.work_dir}' +
          (f'; the tuning in {args.work_dir}/tune/ (tuning.md) and the '
           f'chosen configs in {args.work_dir}/tuned_configs/'
           if args.tune else ''))


if __name__ == '__main__':
    main()
