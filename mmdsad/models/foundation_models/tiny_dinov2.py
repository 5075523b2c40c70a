"""A tiny randomly initialised DINOv2 snapshot for tests and smoke runs.

It is written with ``save_pretrained`` so that :class:`FrozenDINOv2` loads
it through the same local-snapshot path as the real ViT-S/14; only the
weights are meaningless.
"""
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
