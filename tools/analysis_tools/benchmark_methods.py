"""Time a training step of distillation methods against the plain student.

Every config's own algorithm (``CheckedTeacherDistill``, ``CrossKDDistill``)
is built with a randomly initialised teacher (saved weights-only to a
temporary file, as the algorithms require a checkpoint) and its student's
network config, and each runs ``train_step`` (forward, backward, optimiser
step) on the same synthetic batch, one after the other in this process, so
the ratios compare like with like on this machine. The distillation
warm-up is not applied: every loss runs at full weight. With
``--breakdown`` each distillation step is then broken down: the frozen
teacher's forward, DSAD's DSA weight maps (for configs with weight
connectors), and the rest (student, connectors, losses, backward, step).
No test asserts on these figures; record them in docs/results.md with the
machine they came from.

Example (Table 1's ten methods, the demo's batch):
    python tools/analysis_tools/benchmark_methods.py \
        configs/distill/{kd,nst,at,kdsvd,rkd,cckd,mgd,pkd,crosskd,dsad}\
_dnanet_num16_num4_nudt.py --batch-size 4 --size 96

Example (DSAD's iteration broken down, the paper's crop):
    python tools/analysis_tools/benchmark_methods.py \
        configs/distill/dsad_dnanet_num16_num4_nudt.py --breakdown \
        --batch-size 4 --size 256 --iters 3 --warmup 1
"""
import argparse
import os.path as osp
import platform
import tempfile
from typing import Dict, List, Optional

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS as SEG_MODELS

import mmdsad  # noqa: F401  (registers everything; patches mmrazor first)
from mmdsad.apis import network_config
from mmdsad_experiments.benchmark import (
    build_with_random_teacher,
    step_breakdown,
    synthetic_batch,
    train_step_seconds,
)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.splitlines()[1:]))
    parser.add_argument(
        'configs', nargs='+', help='distillation configs to time')
    parser.add_argument('--batch-size', type=int, default=4)
    parser.add_argument('--size', type=int, default=256, help='crop size')
    parser.add_argument('--iters', type=int, default=5)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument(
        '--breakdown',
        action='store_true',
        help='also time the teacher\'s forward and DSA weight maps of '
        'each step')
    args = parser.parse_args(argv)
    for path in args.configs:
        if not osp.isfile(path):
            parser.error(f'config {path} does not exist')
        if 'teacher' not in Config.fromfile(path).model:
            parser.error(f'{path} is not a distillation config (its model '
                         'has no teacher)')
    return args


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    data = synthetic_batch(args.batch_size, args.size)
    student_seconds: Dict[str, float] = {}
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for path in args.configs:
            cfg = Config.fromfile(path)
            student_cfg = network_config(cfg)
            key = repr(student_cfg)
            if key not in student_seconds:
                init_default_scope('mmseg')
                student = SEG_MODELS.build(student_cfg)
                student.train()
                student_seconds[key] = train_step_seconds(
                    student, data, args.iters, args.warmup)
            algorithm = build_with_random_teacher(cfg, folder)
            algorithm.train()
            seconds = train_step_seconds(algorithm, data, args.iters,
                                         args.warmup)
            parts = (step_breakdown(algorithm, cfg, data, args.iters,
                                    args.warmup) if args.breakdown else {})
            rows.append((osp.basename(path), seconds,
                         seconds / student_seconds[key], parts))
    print(f'machine: {platform.processor() or platform.machine()}, '
          f'{torch.get_num_threads()} torch threads, '
          f'torch {torch.__version__}')
    print(f'batch: {args.batch_size} x 3 x {args.size} x {args.size}, '
          f'{args.iters} timed iterations after {args.warmup} warm-up')
    for seconds in student_seconds.values():
        print(f'plain student iteration: {seconds:.3f} s')
    print('| config | s / iteration | x student |')
    print('|---|---|---|')
    for name, seconds, ratio, _ in rows:
        print(f'| {name} | {seconds:.3f} | {ratio:.2f} |')
    for name, seconds, _, parts in rows:
        if parts:
            print_breakdown(name, seconds, parts)


def print_breakdown(name: str, seconds: float,
                    parts: Dict[str, float]) -> None:
    """The parts of one distillation step and what is left of it."""
    print(f'{name}, {seconds:.3f} s per iteration:')
    for part, part_seconds in parts.items():
        print(f'  {part:<16}: {part_seconds:8.3f} s '
              f'({part_seconds / seconds:.0%} of the iteration)')
    rest = seconds - sum(parts.values())
    print(f'  student, connectors, losses, backward, step: {rest:8.3f} s '
          f'({rest / seconds:.0%})')


if __name__ == '__main__':
    main()
