"""Time one FDEP (CO-ISD) training iteration against the plain network's.

Both run ``train_step`` (forward, backward, Adagrad step) on the same
synthetic batch in the same process, so the ratio compares like with like
on this machine; the frozen VFM's forward is then timed on its own to give
its share. Without ``--snapshot-dir`` the VFM is a randomly initialised
DINOv2 of ViT-S/14's size (12 blocks, width 384, 6 heads): the same
computation as the real weights, without the download. No test asserts on
these figures; record them in docs/results.md with the machine.

Example:
    python tools/analysis_tools/benchmark_fdep.py \
        configs/fdep/fdep_dnanet_num4_nudt.py --batch-size 4
"""
import argparse
import os.path as osp
import platform
import tempfile

import torch
from mmengine.config import Config, ConfigDict
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

import mmdsad  # noqa: F401  (registers everything; patches mmrazor first)
from mmdsad_experiments.benchmark import (
    seconds_per_call,
    synthetic_batch,
    train_step_seconds,
)

VIT_S14 = dict(
    hidden_size=384,
    num_hidden_layers=12,
    num_attention_heads=6,
    intermediate_size=1536,
    patch_size=14)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='an FDEP config (configs/fdep/)')
    parser.add_argument(
        '--snapshot-dir',
        help='real DINOv2 snapshot; default: random weights of ViT-S/14 size')
    parser.add_argument('--batch-size', type=int, default=4)
    parser.add_argument('--size', type=int, default=256, help='crop size')
    parser.add_argument('--iters', type=int, default=5)
    parser.add_argument('--warmup', type=int, default=2)
    return parser.parse_args()


def random_vit_s14(out_dir: str) -> str:
    """Write a randomly initialised DINOv2 of ViT-S/14's size."""
    import transformers

    torch.manual_seed(0)
    model = transformers.Dinov2Model(transformers.Dinov2Config(**VIT_S14))
    model.save_pretrained(out_dir)
    return out_dir


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if cfg.model.get('type') != 'COISD':
        raise ValueError(f'{args.config} is not an FDEP config (model type '
                         f'{cfg.model.get("type")!r}, expected COISD)')
    with tempfile.TemporaryDirectory() as tmp:
        cfg.model.vfm.snapshot_dir = args.snapshot_dir or random_vit_s14(
            osp.join(tmp, 'vit_s14'))
        init_default_scope('mmseg')
        fdep = MODELS.build(ConfigDict(cfg.model))
    plain = MODELS.build(ConfigDict(cfg.model.architecture))
    fdep.train()
    plain.train()

    data = synthetic_batch(args.batch_size, args.size)
    plain_time = train_step_seconds(plain, data, args.iters, args.warmup)
    fdep_time = train_step_seconds(fdep, data, args.iters, args.warmup)
    inputs = fdep.data_preprocessor(data, training=True)['inputs']
    vfm_time = seconds_per_call(lambda: fdep.vfm_guidance(inputs),
                                args.iters, args.warmup)

    print(f'machine: {platform.processor() or platform.machine()}, '
          f'{torch.get_num_threads()} torch threads, '
          f'torch {torch.__version__}')
    print(f'config: {args.config}; VFM: '
          f'{args.snapshot_dir or "random DINOv2 of ViT-S/14 size"}')
    print(f'batch: {args.batch_size} x 3 x {args.size} x {args.size}, '
          f'{args.iters} timed iterations after {args.warmup} warm-up')
    print(f'plain network iteration : {plain_time:8.3f} s')
    print(f'FDEP (CO-ISD) iteration : {fdep_time:8.3f} s '
          f'({fdep_time / plain_time:.2f}x the plain network)')
    print(f'  frozen VFM forward    : {vfm_time:8.3f} s '
          f'({vfm_time / fdep_time:.0%} of the FDEP iteration)')
    rest = fdep_time - vfm_time
    print(f'  two branches, SAMF, backward, step: {rest:8.3f} s '
          f'({rest / fdep_time:.0%})')


if __name__ == '__main__':
    main()
