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
import os
import os.path as osp
import sys
from typing import List, Optional

from mmdsad_experiments.study_runs import StudyRun, StudySettings, run_study
from mmdsad_experiments.study_summary import ALONE, summarise, write_summary
from mmdsad_experiments.tool_runs import ToolRunError


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


def runs(args: argparse.Namespace) -> List[StudyRun]:
    """Every (variant, seed) run, the student alone first."""
    teacher = [f'model.teacher_ckpt={osp.abspath(args.teacher_ckpt)}']
    variants = [(ALONE, args.student, [])] + [
        (entry[0], entry[1], teacher + entry[2:]) for entry in args.distill
    ]
    return [
        StudyRun(name, config, overrides, seed)
        for name, config, overrides in variants for seed in args.seeds
    ]


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    settings = StudySettings(
        work_dir=args.work_dir,
        data_root=args.data_root,
        cfg_options=args.cfg_options,
        threads=max(1, (os.cpu_count() or 1) // args.jobs))
    try:
        results = run_study(runs(args), settings, args.jobs)
    except ToolRunError as error:
        # The other runs are finished and kept; a re-run redoes only these.
        sys.exit(str(error))
    markdown = write_summary(args.work_dir, summarise(results, args.seeds),
                             results, args.seeds)
    print(markdown)
    print(f'Logs and checkpoints: {args.work_dir}/<variant>/seed<k>/; '
          f'summary.md, summary.csv, runs.json in {args.work_dir}')


if __name__ == '__main__':
    main()
