"""Test a checkpoint on a config's test set (mmseg's test CLI + mmdsad).

Example:
    python tools/test.py configs/dnanet/dnanet_num4_sirst.py \
        work_dirs/dnanet_num4_sirst/best_IoU_epoch_1500.pth \
        --data-root data/NUAA-SIRST --show-dir overlays
    # Pd / Fa counted as DNANet's code counts them (README, "Metrics")
    python tools/test.py CONFIG CHECKPOINT \
        --cfg-options test_evaluator.protocol=dnanet

Checkpoints are loaded weights-only (a training checkpoint's optimizer and
message-hub state included, mmdsad.utils.checkpoint); a file that asks for
anything more is refused. A
checkpoint must fit the config's model exactly (a distilled student or an
FDEP model is exported to its plain network first).
"""
import argparse
import os
import os.path as osp

import torch
from mmengine.config import Config
from mmengine.runner import Runner

import mmdsad  # noqa: F401  (registers everything; patches mmrazor first)
from mmdsad.apis.network_loading import check_checkpoint_fits
from mmdsad.utils.cli import add_config_arguments, load_config
from mmdsad.utils.json_files import write_json_atomically


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Test (and evaluate) a segmentor')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--show', action='store_true', help='show prediction results')
    parser.add_argument(
        '--show-dir',
        help='directory for overlays of ground truth and prediction '
        '(PNG, under <show-dir>/vis_data/vis_image); relative to the '
        'work_dir')
    parser.add_argument(
        '--wait-time', type=float, default=2, help='the interval of show (s)')
    parser.add_argument(
        '--metrics-out',
        help='write the metrics to this JSON file (a new file)')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='replace an existing --metrics-out file and --show-dir '
        'overlays (refused otherwise)')
    add_config_arguments(parser)
    return parser.parse_args()


def enable_visualization(cfg: Config, args: argparse.Namespace,
                         work_dir: str) -> None:
    """Switch on mmseg's visualization hook for every test image."""
    hook = cfg.default_hooks.get('visualization')
    if hook is None:
        raise KeyError('--show/--show-dir need '
                       '`default_hooks.visualization` in the config, e.g. '
                       "dict(type='SegVisualizationHook')")
    hook.draw = True
    hook.interval = 1
    if args.show:
        hook.show = True
        hook.wait_time = args.wait_time
    if args.show_dir:
        cfg.visualizer['save_dir'] = osp.join(work_dir, args.show_dir)


def check_outputs_are_new(args: argparse.Namespace, work_dir: str) -> None:
    """Refuse to write over an earlier test's metrics or overlays."""
    if args.overwrite:
        return
    if args.metrics_out and osp.exists(args.metrics_out):
        raise FileExistsError(
            f'--metrics-out {args.metrics_out} exists; choose another file '
            'or pass --overwrite')
    show_dir = osp.join(work_dir, args.show_dir) if args.show_dir else None
    if show_dir and osp.isdir(show_dir) and os.listdir(show_dir):
        raise FileExistsError(
            f'--show-dir {show_dir} holds an earlier test\'s overlays; '
            'choose another folder or pass --overwrite')


def main() -> None:
    args = parse_args()
    # Denormal floats (tiny trained weights and activations) make x86 CPU
    # arithmetic many times slower; flushing them to zero is harmless here.
    torch.set_flush_denormal(True)
    cfg = load_config(args)
    work_dir = cfg.work_dir
    cfg.load_from = args.checkpoint
    check_outputs_are_new(args, work_dir)

    if args.show or args.show_dir:
        enable_visualization(cfg, args, work_dir)

    runner = Runner.from_cfg(cfg)
    check_checkpoint_fits(runner.model, args.checkpoint, args.config)
    metrics = runner.test()

    if args.metrics_out:
        write_json_atomically(args.metrics_out, metrics)


if __name__ == '__main__':
    main()
