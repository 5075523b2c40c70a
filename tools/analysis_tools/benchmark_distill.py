"""Time one DSAD training iteration against one plain student iteration.

Both run ``train_step`` (forward, backward, Adagrad step) on the same
synthetic batch in the same process, so the ratio compares like with like
on this machine. The distillation step is then broken down: the frozen
teacher's forward, the DSA weight maps, and the rest (student, connectors,
PWMSE, backward). No test asserts on these figures; record them in
docs/results.md with the machine they came from.

Example:
    python tools/analysis_tools/benchmark_distill.py \
        configs/distill/dsad_dnanet_num16_num4_nudt.py --batch-size 4
"""
import argparse
import platform
import tempfile

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS as SEG_MODELS

import mmdsad  # noqa: F401  (registers everything; patches mmrazor first)
from mmdsad.apis import network_config
from mmdsad_experiments.benchmark import (
    build_with_random_teacher,
    seconds_per_call,
    synthetic_batch,
    train_step_seconds,
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='a distillation config')
    parser.add_argument('--batch-size', type=int, default=4)
    parser.add_argument('--size', type=int, default=256, help='crop size')
    parser.add_argument('--iters', type=int, default=5)
    parser.add_argument('--warmup', type=int, default=2)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    with tempfile.TemporaryDirectory() as folder:
        algorithm = build_with_random_teacher(cfg, folder)
    init_default_scope('mmseg')
    student = SEG_MODELS.build(network_config(cfg))
    algorithm.train()
    student.train()

    data = synthetic_batch(args.batch_size, args.size)
    plain = train_step_seconds(student, data, args.iters, args.warmup)
    distill = train_step_seconds(algorithm, data, args.iters, args.warmup)

    inputs = algorithm.data_preprocessor(data, training=True)['inputs']
    with torch.no_grad():
        teacher = seconds_per_call(
            lambda: algorithm.teacher(inputs, mode='tensor'), args.iters,
            args.warmup)
        features = {}
        hooks = [
            module.register_forward_hook(
                lambda m, i, o, name=name: features.__setitem__(name, o))
            for name, module in algorithm.teacher.named_modules()
            if name in {
                r.source
                for r in cfg.model.distiller.teacher_recorders.values()
            }
        ]
        algorithm.teacher(inputs, mode='tensor')
        for hook in hooks:
            hook.remove()
        weight_connectors = [
            c for n, c in algorithm.distiller.connectors.items()
            if n.endswith('_weight')
        ]
        weights = seconds_per_call(
            lambda: [
                c(f) for c, f in zip(weight_connectors, features.values())
            ], args.iters, args.warmup)

    print(f'machine: {platform.processor() or platform.machine()}, '
          f'{torch.get_num_threads()} torch threads, '
          f'torch {torch.__version__}')
    print(f'config: {args.config}')
    print(f'batch: {args.batch_size} x 3 x {args.size} x {args.size}, '
          f'{args.iters} timed iterations after {args.warmup} warm-up')
    print(f'plain student iteration : {plain:8.3f} s')
    print(f'DSAD iteration          : {distill:8.3f} s '
          f'({distill / plain:.2f}x the plain student)')
    print(f'  teacher forward       : {teacher:8.3f} s '
          f'({teacher / distill:.0%} of the DSAD iteration)')
    print(f'  DSA weight maps       : {weights:8.3f} s '
          f'({weights / distill:.0%})')
    rest = distill - teacher - weights
    print(f'  student, connectors, PWMSE, backward, step: {rest:8.3f} s '
          f'({rest / distill:.0%})')


if __name__ == '__main__':
    main()
