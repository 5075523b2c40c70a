"""Print the parameters and FLOPs (multiply-accumulates) of a config's model.

The counts are those of the deployed network in eval mode, as mmseg's
get_flops and the DSAD paper's tables report them (docs/networks.md).

Example:
    python tools/analysis_tools/get_flops.py \
        configs/dnanet/dnanet_num16_nudt.py --shape 256 256
"""
import argparse

from mmengine.config import Config, DictAction

import mmdsad  # noqa: F401  (registers everything; patches mmrazor first)
from mmdsad.analysis import count_complexity


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Count parameters and FLOPs of a model')
    parser.add_argument('config', help='config file path')
    parser.add_argument(
        '--shape',
        type=int,
        nargs='+',
        default=[256, 256],
        help='input image size: one value (square) or H W')
    parser.add_argument(
        '--in-channels', type=int, default=3, help='input image channels')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings of the config, key=value')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if len(args.shape) == 1:
        height = width = args.shape[0]
    elif len(args.shape) == 2:
        height, width = args.shape
    else:
        raise ValueError(f'--shape takes 1 or 2 values, got {args.shape}')
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    result = count_complexity(cfg, (args.in_channels, height, width))
    split = '=' * 40
    print(f'{split}\nConfig: {args.config}\n'
          f'Input shape: (1, {args.in_channels}, {height}, {width})\n'
          f'Flops (MACs): {result["flops"] / 1e9:.3f} G\n'
          f'Params: {result["params"] / 1e6:.4f} M\n{split}')


if __name__ == '__main__':
    main()
