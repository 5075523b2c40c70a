"""Train a model from a config (mmseg's train CLI, with mmdsad loaded).

Example:
    python tools/train.py configs/dnanet/dnanet_num4_sirst.py \
        --data-root data/NUAA-SIRST --work-dir work_dirs/dnanet_num4_sirst
"""
import argparse
import logging

import torch
from mmengine.logging import print_log
from mmengine.runner import Runner

import mmdsad  # noqa: F401  (registers everything; patches mmrazor first)
from mmdsad.apis.network_loading import check_checkpoint_fits
from mmdsad.utils.cli import (
    add_config_arguments,
    check_work_dir_is_free,
    load_config,
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a segmentor')
    parser.add_argument('config', help='train config file path')
    parser.add_argument(
        '--resume',
        action='store_true',
        default=False,
        help='resume from the latest checkpoint in the work_dir')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='train into a work_dir that holds an earlier run\'s '
        'checkpoints, replacing them (refused otherwise)')
    parser.add_argument(
        '--amp',
        action='store_true',
        default=False,
        help='enable automatic-mixed-precision training')
    add_config_arguments(parser)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    # Denormal floats (from shrinking weights and gradients) make x86 CPU
    # arithmetic many times slower; flushing them to zero is harmless here.
    torch.set_flush_denormal(True)
    cfg = load_config(args)

    if args.amp:
        optim_wrapper = cfg.optim_wrapper.type
        if optim_wrapper == 'AmpOptimWrapper':
            print_log(
                'AMP training is already enabled in your config.',
                logger='current',
                level=logging.WARNING)
        else:
            assert optim_wrapper == 'OptimWrapper', (
                '`--amp` is only supported when the optimizer wrapper type '
                f'is `OptimWrapper` but got {optim_wrapper}.')
            cfg.optim_wrapper.type = 'AmpOptimWrapper'
            cfg.optim_wrapper.loss_scale = 'dynamic'

    if args.resume:
        cfg.resume = True
    check_work_dir_is_free(cfg.work_dir, args.resume and not cfg.load_from,
                           args.overwrite)

    # A distillation's checks (teacher checkpoint, recorders) run while the
    # runner builds the model: mmdsad.models.algorithms.CheckedTeacherDistill.
    runner = Runner.from_cfg(cfg)
    if cfg.load_from and not args.resume:
        # mmengine loads load_from non-strictly and only logs a mismatch:
        # another network's weights would train from scratch.
        check_checkpoint_fits(runner.model, cfg.load_from, args.config)
    runner.train()


if __name__ == '__main__':
    main()
