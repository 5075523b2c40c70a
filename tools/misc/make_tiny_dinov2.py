"""Write a tiny randomly initialised DINOv2 snapshot for FDEP smoke runs.

Example:
    python tools/misc/make_tiny_dinov2.py work_dirs/tiny_dinov2
    python tools/train.py configs/fdep/fdep_dnanet_num4_nudt.py \
        --cfg-options model.vfm.snapshot_dir=work_dirs/tiny_dinov2
"""
import argparse

from mmdsad.models.foundation_models import save_tiny_dinov2


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Write a tiny random DINOv2 snapshot (tests, smoke runs)')
    parser.add_argument('out_dir', help='snapshot directory to write')
    parser.add_argument(
        '--depth', type=int, default=4, help='transformer blocks')
    parser.add_argument(
        '--registers', type=int, default=0,
        help='register tokens (>0: the register variant)')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    save_tiny_dinov2(
        args.out_dir, depth=args.depth, num_register_tokens=args.registers,
        seed=args.seed)
    print(f'wrote a random DINOv2 (depth {args.depth}) to {args.out_dir}')


if __name__ == '__main__':
    main()
