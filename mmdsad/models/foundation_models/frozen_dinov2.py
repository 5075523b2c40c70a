"""A frozen DINOv2 that gives FDEP its four semantic feature maps.

FDEP (arXiv 2512.05511, Fig. 1) guides training with a frozen visual
foundation model labelled "DINO" whose four feature taps ("Dino-FI") feed
the SAMF modules. The paper gives no further detail. Our reading
(docs/paper-spec.md §2.2): DINOv2 (ViT-S/14 by default; any size and the
register variants, chosen by the snapshot), Hugging Face ``transformers``'
model (no hand-written ViT), weights from a local snapshot directory only;
it sees the raw image with its own ImageNet normalisation at a side that is
a multiple of 14; four evenly spaced transformer blocks are tapped, each
block's tokens pass the model's final LayerNorm (as DINOv2's
``get_intermediate_layers(norm=True)`` does), and the patch tokens become
(B, C, h, w) maps.
"""
import os.path as osp
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor, nn

PATCH_MULTIPLE = 14
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
DEFAULT_HUB_ID = 'facebook/dinov2-small'
MODEL_CLASSES = {
    'dinov2': 'Dinov2Model',
    'dinov2_with_registers': 'Dinov2WithRegistersModel'
}


def evenly_spaced_blocks(depth: int, num_taps: int) -> List[int]:
    """Indices (0-based) of ``num_taps`` blocks spread evenly, last included.

    Args:
        depth (int): Number of transformer blocks.
        num_taps (int): Number of taps.

    Returns:
        list[int]: E.g. depth 12, 4 taps -> [2, 5, 8, 11].
    """
    if not 1 <= num_taps <= depth:
        raise ValueError(f'num_taps must be in [1, {depth}] (the VFM has '
                         f'depth {depth}), got {num_taps}.')
    return [round(depth * (k + 1) / num_taps) - 1 for k in range(num_taps)]


def load_dinov2(snapshot_dir: str, hub_id: str) -> nn.Module:
    """Load a DINOv2 snapshot from disk, never from the network.

    Args:
        snapshot_dir (str): Directory with ``config.json`` and the weights
            (what ``hf download <hub_id> --local-dir <dir>`` or
            ``save_pretrained`` writes).
        hub_id (str): Hub name of the snapshot, for the fetch command in
            error messages.

    Returns:
        nn.Module: ``Dinov2Model`` or ``Dinov2WithRegistersModel``.
    """
    fetch = f'hf download {hub_id} --local-dir {snapshot_dir}'
    config_file = osp.join(snapshot_dir, 'config.json')
    if not osp.isfile(config_file):
        raise FileNotFoundError(
            f'No DINOv2 snapshot at {snapshot_dir!r} ({config_file} is '
            f'missing). Fetch it once with: {fetch}')
    try:
        import transformers
    except ImportError as error:
        raise ImportError(
            'FDEP needs Hugging Face transformers: pip install -r '
            'requirements/runtime.txt') from error
    config = transformers.AutoConfig.from_pretrained(
        snapshot_dir, local_files_only=True)
    if config.model_type not in MODEL_CLASSES:
        raise ValueError(
            f'{config_file} describes a {config.model_type!r} model, not '
            f'DINOv2 ({sorted(MODEL_CLASSES)}). Fetch a DINOv2 snapshot '
            f'with: {fetch}')
    model_class = getattr(transformers, MODEL_CLASSES[config.model_type])
    try:
        return model_class.from_pretrained(
            snapshot_dir, local_files_only=True)
    except OSError as error:
        raise OSError(f'The DINOv2 snapshot at {snapshot_dir!r} has no '
                      f'readable weights ({error}). Fetch it again with: '
                      f'{fetch}') from error


@MODELS.register_module()
class FrozenDINOv2(nn.Module):
    """Frozen DINOv2 feature taps for FDEP (see the module docstring).

    The model stays in eval mode whatever ``train()`` is called with, runs
    under ``no_grad`` and its parameters have ``requires_grad=False``.
    :class:`~mmdsad.models.segmentors.COISD` keeps it outside its module
    tree, so it is neither in the optimizer nor in checkpoints.

    Args:
        snapshot_dir (str): Local snapshot directory (``config.json`` plus
            weights).
        tap_blocks (Sequence[int], optional): 0-based transformer blocks to
            tap. Defaults to None: ``num_taps`` evenly spaced blocks, the
            last one included.
        num_taps (int): Number of taps when ``tap_blocks`` is None.
            Defaults to 4 (FDEP's four SAMF modules).
        input_size (tuple[int, int], optional): (H, W) the image is resized
            to, both multiples of 14. Defaults to None: each side of the
            image rounded to the nearest multiple of 14 (256 -> 252).
        mean (Sequence[float]): Normalisation mean of [0, 1] RGB.
            Defaults to ImageNet's.
        std (Sequence[float]): Normalisation std. Defaults to ImageNet's.
        hub_id (str): Hub name of the snapshot, named in the fetch command
            of error messages. Defaults to 'facebook/dinov2-small'.
    """

    def __init__(self,
                 snapshot_dir: str,
                 tap_blocks: Optional[Sequence[int]] = None,
                 num_taps: int = 4,
                 input_size: Optional[Tuple[int, int]] = None,
                 mean: Sequence[float] = IMAGENET_MEAN,
                 std: Sequence[float] = IMAGENET_STD,
                 hub_id: str = DEFAULT_HUB_ID) -> None:
        super().__init__()
        self.model = load_dinov2(snapshot_dir, hub_id)
        self.depth = self.model.config.num_hidden_layers
        self.embed_dim = self.model.config.hidden_size
        self.num_prefix_tokens = 1 + getattr(self.model.config,
                                             'num_register_tokens', 0)
        if tap_blocks is None:
            tap_blocks = evenly_spaced_blocks(self.depth, num_taps)
        for block in tap_blocks:
            if not 0 <= block < self.depth:
                raise ValueError(
                    f'tap block {block} is beyond the VFM at {snapshot_dir} '
                    f'of depth {self.depth}: use blocks 0..{self.depth - 1}.')
        self.tap_blocks = list(tap_blocks)
        if input_size is not None and any(side % PATCH_MULTIPLE
                                          for side in input_size):
            raise ValueError(f'input_size {tuple(input_size)} must have both '
                             f'sides multiples of {PATCH_MULTIPLE}.')
        self.input_size = None if input_size is None else tuple(input_size)
        self.register_buffer(
            'mean', torch.tensor(mean).view(1, -1, 1, 1), persistent=False)
        self.register_buffer(
            'std', torch.tensor(std).view(1, -1, 1, 1), persistent=False)
        self.requires_grad_(False)
        self.train(False)

    def train(self, mode: bool = True) -> 'FrozenDINOv2':
        """Stay in eval mode: dropout and the like are never active."""
        return super().train(False)

    def _vfm_size(self, height: int, width: int) -> Tuple[int, int]:
        """(H, W) the VFM sees: ``input_size`` or sides rounded to 14."""
        if self.input_size is not None:
            return self.input_size
        return tuple(
            max(PATCH_MULTIPLE,
                PATCH_MULTIPLE * round(side / PATCH_MULTIPLE))
            for side in (height, width))

    @torch.no_grad()
    def forward(self, images: Tensor) -> List[Tensor]:
        """Patch-token maps of the tapped blocks.

        Args:
            images (Tensor): Raw images of shape (B, C, H, W) with values in
                [0, 255]; C is 3 (RGB) or 1 (replicated to RGB).

        Returns:
            list[Tensor]: One map per tap, of shape (B, embed_dim, h, w)
            with h, w the VFM input size divided by 14.
        """
        if images.shape[1] == 1:
            images = images.expand(-1, 3, -1, -1)
        height, width = self._vfm_size(*images.shape[-2:])
        pixels = F.interpolate(
            images.float() / 255., size=(height, width), mode='bilinear',
            align_corners=False)
        pixels = (pixels - self.mean) / self.std
        hidden_states = self.model(
            pixel_values=pixels, output_hidden_states=True).hidden_states
        grid = (height // PATCH_MULTIPLE, width // PATCH_MULTIPLE)
        maps = []
        for block in self.tap_blocks:
            # hidden_states[0] is the embedding output, [k + 1] block k's.
            tokens = self.model.layernorm(hidden_states[block + 1])
            patches = tokens[:, self.num_prefix_tokens:]
            maps.append(
                patches.transpose(1, 2).reshape(len(images), self.embed_dim,
                                                *grid))
        return maps
