"""Time training steps in NCHW against channels-last, in one process.

``ChannelsLastHook`` (the demo and CPU-protocol schedules) keeps weights and
batches channels-last, because oneDNN's CPU convolutions otherwise reorder
every NCHW tensor they see. This tool builds each config's model (a
distillation config with a random teacher), runs ``train_step`` on one
synthetic batch, alternating NCHW and channels-last rounds so that a
change of machine load hits both alike, and prints seconds per step and
their ratio, for each thread count of ``--threads``. No test asserts on
these figures; record them in docs/results.md with the machine they came
from.

Example (the demo's three trainings, its batch):
    python tools/analysis_tools/benchmark_memory_format.py \
        configs/demo/dnanet_num16_synthetic.py \
        configs/demo/dnanet_num4_synthetic.py \
        configs/demo/dsad_dnanet_num16_num4_synthetic.py \
        --batch-size 4 --size 96 --threads 1 2
"""
import argparse
import os
import os.path as osp
import platform
import statistics
import tempfile
from typing import List, Optional

import torch
from mmengine.config import Config, ConfigDict
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

import mmdsad  # noqa: F401  (registers everything; patches mmrazor first)
from mmdsad.engine.hooks.channels_last_hook import inputs_channels_last
from mmdsad_experiments.benchmark import (
    build_with_random_teacher,
    synthetic_batch,
    train_step_seconds,
)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.splitlines()[1:]))
    parser.add_argument('configs', nargs='+', help='configs to time')
    parser.add_argument('--batch-size', type=int, default=4)
    parser.add_argument('--size', type=int, default=96, help='crop size')
    parser.add_argument(
        '--iters', type=int, default=5, help='timed steps per round')
    parser.add_argument(
        '--rounds', type=int, default=3, help='alternating rounds')
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument(
        '--threads',
        type=int,
        nargs='+',
        help='torch thread counts to time, one row each (default: the '
        'current count, from OMP_NUM_THREADS)')
    args = parser.parse_args(argv)
    for path in args.configs:
        if not osp.isfile(path):
            parser.error(f'config {path} does not exist')
    return args


def build(cfg: Config, folder: str) -> torch.nn.Module:
    """The config's model in training mode (random teacher if any)."""
    if 'teacher' in cfg.model:
        model = build_with_random_teacher(cfg, folder)
    else:
        init_default_scope(cfg.get('default_scope', 'mmseg'))
        model = MODELS.build(ConfigDict(cfg.model))
    model.init_weights()
    return model.train()


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    torch.set_flush_denormal(True)
    data = synthetic_batch(args.batch_size, args.size)
    thread_counts = args.threads or [torch.get_num_threads()]
    print(f'{platform.processor() or platform.machine()}, '
          f'{os.cpu_count()} CPUs, batch {args.batch_size} of '
          f'{args.size}x{args.size}, {args.rounds} alternating rounds of '
          f'{args.iters} steps (medians)')
    print('| config | threads | NCHW s/step | channels-last s/step | ratio |')
    print('|---|---|---|---|---|')
    with tempfile.TemporaryDirectory() as folder:
        for path in args.configs:
            cfg = Config.fromfile(path)
            nchw, channels_last = build(cfg, folder), build(cfg, folder)
            channels_last.to(memory_format=torch.channels_last)
            channels_last.register_forward_pre_hook(
                inputs_channels_last, with_kwargs=True)
            times = {(n, id(m)): []
                     for n in thread_counts for m in (nchw, channels_last)}
            # Alternate layouts and thread counts, so a change of the
            # machine's speed falls on every condition alike.
            for _ in range(args.rounds):
                for threads in thread_counts:
                    torch.set_num_threads(threads)
                    for model in (nchw, channels_last):
                        times[threads, id(model)].append(
                            train_step_seconds(model, data, args.iters,
                                               args.warmup))
            for threads in thread_counts:
                plain = statistics.median(times[threads, id(nchw)])
                fast = statistics.median(times[threads, id(channels_last)])
                print(f'| {osp.basename(path)} | {threads} | {plain:.3f} | '
                      f'{fast:.3f} | {fast / plain:.2f} |')


if __name__ == '__main__':
    main()
