"""Write a tiny randomly initialised DINOv2 snapshot for FDEP smoke runs.

The snapshot is written with ``save_pretrained``, so ``FrozenDINOv2`` loads
it through the same local-snapshot path as the real ViT-S/14; only the
weights are meaningless. The tests build theirs with this script's
``save_tiny_dinov2`` (tests/conftest.py).

Example:
    python tools/misc/make_tiny_dinov2.py work_dirs/tiny_dinov2
    python tools/train.py configs/fdep/fdep_dnanet_num4_nudt.py \
        --cfg-options model.vfm.snapshot_dir=work_dirs/tiny_dinov2
"""
import argparse

import torch


def save_tiny_dinov2(out_dir: str,
                     depth: int = 4,
                     embed_dim: int = 32,
                     num_register_tokens: int = 0,
                     seed: int = 0) -> str:
    """Write a small random DINOv2 snapshot (config.json + weights).

    Args:
        out_dir (str): Directory to write.
        depth (int): Transformer blocks. Defaults to 4.
        embed_dim (int): Token width. Defaults to 32.
        num_register_tokens (int): >0 writes the register variant.
            Defaults to 0.
        seed (int): Seed of the random initialisation. Defaults to 0.

    Returns:
        str: ``out_dir``.
    """
    import transformers

    common = dict(
        hidden_size=embed_dim,
        num_hidden_layers=depth,
        num_attention_heads=2,
        intermediate_size=2 * embed_dim,
        patch_size=14,
        image_size=56)
    torch.manual_seed(seed)
    if num_register_tokens:
        model = transformers.Dinov2WithRegistersModel(
            transformers.Dinov2WithRegistersConfig(
                num_register_tokens=num_register_tokens, **common))
    else:
        model = transformers.Dinov2Model(transformers.Dinov2Config(**common))
    model.save_pretrained(out_dir)
    return out_dir


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
