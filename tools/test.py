"""Test a checkpoint on a config's test set (mmseg's test CLI + mmdsad).

Example:
    python tools/test.py configs/dnanet/dnanet_num4_sirst.py \
        work_dirs/dnanet_num4_sirst/best_IoU_epoch_1500.pth \
        --data-root data/NUAA-SIRST --show-dir overlays

Checkpoints are loaded weights-only, except those inside the run's work
directory (what tools/train.py wrote there). Convert any other full
checkpoint you trust with tools/model_converters/to_weights_only.py. A
checkpoint must fit the config's model exactly (a distilled student or an
FDEP model is exported to its plain network first).
"""
import argparse
import json
import os
import os.path as osp

import torch
from mmengine.config import Config
from mmengine.runner import Runner

import mmdsad  # noqa: F401  (registers everything; patches mmrazor first)
from mmdsad.apis.network_loading import check_checkpoint_fits
from mmdsad.utils import trust_checkpoint_dir
from mmdsad.utils.cli import add_config_arguments, load_config


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
        '--metrics-out', help='write the metrics to this JSON file')
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


def main() -> None:
    args = parse_args()
    # Denormal floats (tiny trained weights and activations) make x86 CPU
    # arithmetic many times slower; flushing them to zero is harmless here.
    torch.set_flush_denormal(True)
    cfg = load_config(args)
    work_dir = cfg.work_dir
    trust_checkpoint_dir(osp.abspath(work_dir))
    cfg.load_from = args.checkpoint

    if args.show or args.show_dir:
        enable_visualization(cfg, args, work_dir)

    runner = Runner.from_cfg(cfg)
    check_checkpoint_fits(runner.model, args.checkpoint, args.config)
    metrics = runner.test()

    if args.metrics_out:
        os.makedirs(osp.dirname(osp.abspath(args.metrics_out)), exist_ok=True)
        with open(args.metrics_out, 'w', encoding='utf-8') as f:
            json.dump(metrics, f, indent=2)


if __name__ == '__main__':
    main()
