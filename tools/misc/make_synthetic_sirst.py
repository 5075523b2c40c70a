"""Write a small synthetic IRSTD dataset in the common SIRST layout.

Usage:
    python tools/misc/make_synthetic_sirst.py data/synthetic \
        --num-train 48 --num-test 16 --size 128 --seed 0
"""
import argparse
from typing import List, Optional

from mmdsad.datasets.synthetic import make_synthetic_sirst


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line.

    Args:
        argv (list[str], optional): Arguments; None reads ``sys.argv``.

    Returns:
        argparse.Namespace: The parsed arguments.
    """
    parser = argparse.ArgumentParser(
        description='Write a synthetic infrared small target dataset '
        '(images/, masks/, 50_50/{train,test}.txt).')
    parser.add_argument('out_dir', help='dataset root to write')
    parser.add_argument(
        '--num-train', type=int, default=48, help='training frames')
    parser.add_argument('--num-test', type=int, default=16, help='test frames')
    parser.add_argument(
        '--size',
        type=int,
        nargs='+',
        default=[128],
        metavar='N',
        help='frame size: one value for square frames or HEIGHT WIDTH')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    args = parser.parse_args(argv)
    if len(args.size) not in (1, 2):
        parser.error('--size takes one value (square) or two (HEIGHT WIDTH)')
    return args


def main(argv: Optional[List[str]] = None) -> None:
    """Write the dataset and print a summary.

    Args:
        argv (list[str], optional): Arguments; None reads ``sys.argv``.
    """
    args = parse_args(argv)
    size = args.size * 2 if len(args.size) == 1 else args.size
    info = make_synthetic_sirst(
        args.out_dir,
        num_train=args.num_train,
        num_test=args.num_test,
        image_size=(size[0], size[1]),
        seed=args.seed)
    height, width = info['image_size']
    print(f"Wrote {len(info['train_ids'])} train + {len(info['test_ids'])} "
          f"test frames of {width}x{height} (WxH) to {info['data_root']}:")
    print('  images/<id>.png  8-bit grayscale')
    print('  masks/<id>.png   0/255 target masks')
    print(f"  {info['train_file']}")
    print(f"  {info['test_file']}")
    print(f"{info['num_targets']} targets in total, {info['num_empty']} "
          'frame(s) without target.')


if __name__ == '__main__':
    main()
