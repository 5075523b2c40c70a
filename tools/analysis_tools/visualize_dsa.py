"""Show a layer's features and their DSA weight map next to the image.

Writes one PNG with three panels of the image's size, side by side: the
input image | the chosen layer's output (channel mean, min-max normalised)
| the DSA weights of that output (docs/paper-spec.md §1.3; fixed base kernel,
as in distillation), shown on their fixed range [0.5, 1] so that images and
layers compare. Without a checkpoint the network is randomly initialised
(its config's init), which shows the mechanics, not a trained model.

Example:
    python tools/analysis_tools/visualize_dsa.py \
        configs/dnanet/dnanet_num16_nudt.py data/NUDT-SIRST/images/000001.png \
        --checkpoint teacher.pth --layer backbone.conv0_4 --out dsa.png
"""
import argparse
from typing import List

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

import mmdsad  # noqa: F401  (registers everything; patches mmrazor first)
from mmdsad.datasets.transforms.loading import load_pil_image, pil_to_array
from mmdsad.models.layers import DSA
from mmdsad.models.layers.dsa import BASE_KERNELS
from mmdsad.utils.names import NUM_SUGGESTIONS, closest_names

# DSA weights are sigmoids of non-negative contrasts: always in [0.5, 1].
DSA_RANGE = (0.5, 1.0)
COLORMAP = cv2.COLORMAP_JET


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Visualise a layer and its DSA weight map')
    parser.add_argument('config', help='config file path')
    parser.add_argument('image', help='input image path')
    parser.add_argument(
        '--checkpoint',
        help='model weights; without it the network is randomly '
        'initialised')
    parser.add_argument(
        '--layer',
        default='backbone',
        help='name of the module whose output to show, as in '
        'model.named_modules(), e.g. backbone.conv0_4')
    parser.add_argument(
        '--base-kernel',
        default='ones',
        choices=BASE_KERNELS,
        help='fixed 3x3 base kernel of DSA')
    parser.add_argument('--out', default='dsa.png', help='output PNG')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings of the config, key=value')
    return parser.parse_args()


def find_module(model: nn.Module, name: str) -> nn.Module:
    """The submodule called ``name``, or an error naming the closest ones.

    Args:
        model (nn.Module): The model.
        name (str): A name from ``model.named_modules()``.

    Returns:
        nn.Module: The module.

    Raises:
        ValueError: If there is no such module.
    """
    modules = dict(model.named_modules())
    if name in modules:
        return modules[name]
    names: List[str] = [n for n in modules if n]
    close = closest_names(name, names)
    hint = ', '.join(close) if close else ', '.join(names[:NUM_SUGGESTIONS])
    raise ValueError(f'no module named {name!r} in the model; closest: '
                     f'{hint}')


def normalise(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Map ``[low, high]`` to uint8 [0, 255] (clipped)."""
    scaled = (values - low) / max(high - low, np.finfo(np.float32).eps)
    return (np.clip(scaled, 0, 1) * 255).astype(np.uint8)


def to_panel(feature: torch.Tensor, padded_size, image_size, low: float,
             high: float) -> np.ndarray:
    """Colour a (1, 1, h, w) map at the padded input's size, then crop.

    Returns:
        np.ndarray: BGR panel of shape (H, W, 3) for an H x W image.
    """
    full = F.interpolate(
        feature, size=padded_size, mode='bilinear', align_corners=False)
    height, width = image_size
    values = full[0, 0, :height, :width].numpy()
    return cv2.applyColorMap(normalise(values, low, high), COLORMAP)


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    model = MODELS.build(cfg.model)
    if args.checkpoint:
        load_checkpoint(model, args.checkpoint, map_location='cpu')
    else:
        model.init_weights()
        print('No checkpoint given: the network is randomly initialised.')
    model.eval()
    layer = find_module(model, args.layer)

    rgb = pil_to_array(load_pil_image(args.image), path=args.image)
    image = torch.from_numpy(np.ascontiguousarray(rgb.transpose(2, 0, 1)))
    data = model.data_preprocessor(
        dict(inputs=[image], data_samples=[SegDataSample()]), False)
    inputs = data['inputs']

    captured = []
    handle = layer.register_forward_hook(
        lambda module, module_inputs, output: captured.append(output))
    with torch.no_grad():
        model(inputs, mode='tensor')
    handle.remove()
    if not captured:
        raise RuntimeError(f'{args.layer} did not run in the forward pass')
    feature = captured[0]
    if not (isinstance(feature, torch.Tensor) and feature.dim() == 4):
        raise ValueError(
            f'{args.layer} does not output one (B, C, H, W) tensor; choose '
            'one of its submodules')

    with torch.no_grad():
        weights = DSA(base_kernel=args.base_kernel)(feature.float())
    mean = feature.float().mean(dim=1, keepdim=True)
    padded = inputs.shape[-2:]
    size = rgb.shape[:2]
    panels = [
        cv2.cvtColor(normalise(rgb.astype(np.float32), 0, 255),
                     cv2.COLOR_RGB2BGR),
        to_panel(mean, padded, size, mean.min().item(), mean.max().item()),
        to_panel(weights, padded, size, *DSA_RANGE),
    ]
    if not cv2.imwrite(args.out, np.hstack(panels)):
        raise OSError(f'could not write {args.out}')
    print(f'Wrote {args.out}: image | {args.layer} (channel mean) | DSA')


if __name__ == '__main__':
    main()
