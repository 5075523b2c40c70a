"""Train a model from a config (mmseg's train CLI, with mmdsad loaded).

Example:
    python tools/train.py configs/dnanet/dnanet_num4_sirst.py \
        --data-root data/NUAA-SIRST --work-dir work_dirs/dnanet_num4_sirst
"""
import argparse
import logging
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.logging import print_log
from mmengine.runner import Runner

import mmdsad  # noqa: F401  (registers everything; patches mmrazor first)
from mmdsad.utils import trust_checkpoint_dir
from mmdsad.utils.cli import resolve_work_dir, set_data_root
from mmdsad.utils.distill_checks import check_distillation, is_distillation


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a segmentor')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--data-root',
        help='dataset root (images/, masks/, split files) for every '
        'dataloader of the config')
    parser.add_argument(
        '--resume',
        action='store_true',
        default=False,
        help='resume from the latest checkpoint in the work_dir')
    parser.add_argument(
        '--amp',
        action='store_true',
        default=False,
        help='enable automatic-mixed-precision training')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value (e.g. '
        'train_cfg.max_epochs=10 train_dataloader.batch_size=4)')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.data_root is not None:
        set_data_root(cfg, args.data_root)
    work_dir = resolve_work_dir(cfg, args.config, args.work_dir)

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
        # The run's own checkpoints hold optimizer and message-hub state that
        # weights-only loading refuses; they are the trusted case.
        trust_checkpoint_dir(osp.abspath(work_dir))

    if is_distillation(cfg):
        check_distillation(cfg)
    runner = Runner.from_cfg(cfg)
    runner.train()


if __name__ == '__main__':
    main()
