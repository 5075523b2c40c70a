"""Each supervised output's IoU, and whether the prediction can fire at all.

For a checkpoint of an IRSTD network, on a split of its config's data (the
training split by default: a diagnosis is not a test), prints the IoU at
threshold 0.5 of every output the head supervises (the last one predicts),
and for the predicting 1x1 classifier its weights and bias, the largest
logit at a target pixel and the share of target pixels whose classifier
input is all zero. Reading a ReLU feature (>= 0) with only negative
weights, a classifier can never produce more than its bias: its
probability is capped at sigmoid(bias), dead at threshold 0.5 if the bias
is negative ("sign-locked", docs/results.md, "Table 1 on a fair footing").

Example (a distilled student's training checkpoint):
    python tools/analysis_tools/inspect_outputs.py \
        configs/demo/dnanet_num4_synthetic.py \
        work_dirs/demo/dsad/iter_300.pth \
        --data-root work_dirs/demo/data
"""
import argparse
from typing import List, Optional

import torch
from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from mmseg.registry import MODELS

import mmdsad  # noqa: F401  (registers everything; patches mmrazor first)
from mmdsad.apis.network_loading import (
    load_network_weights,
    network_state_dict,
)
from mmdsad.utils import load_checkpoint_file
from mmdsad.utils.cli import set_data_root
from mmdsad.utils.names import closest_names

DEFAULT_CLASSIFIER = 'decode_head.classifiers.-1'


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.splitlines()[1:]))
    parser.add_argument('config', help='the network\'s config')
    parser.add_argument(
        'checkpoint',
        help='its weights: weights-only, a training checkpoint, or a '
        'distillation checkpoint (the student under architecture.)')
    parser.add_argument('--data-root', help='dataset root')
    parser.add_argument(
        '--split',
        help='split file to read (default: the training split of the '
        'config), loaded with the test pipeline')
    parser.add_argument(
        '--classifier',
        default=DEFAULT_CLASSIFIER,
        help='the predicting 1x1 classifier (DNANet\'s default: the last of '
        'decode_head.classifiers)')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, help='overrides')
    return parser.parse_args(argv)


def find_module(model: torch.nn.Module, name: str) -> torch.nn.Module:
    """``model``'s module ``name`` (a trailing ``-1`` picks the last of a
    list); a wrong name lists the closest ones."""
    parent, _, index = name.rpartition('.')
    modules = dict(model.named_modules())
    if index == '-1' and isinstance(modules.get(parent), torch.nn.ModuleList):
        return modules[parent][-1]
    if name not in modules:
        raise SystemExit(f'--classifier {name} is not a module of the model; '
                         f'closest: {closest_names(name, list(modules))}')
    return modules[name]


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    if args.data_root:
        set_data_root(cfg, args.data_root)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    loader_cfg = cfg.test_dataloader
    loader_cfg.dataset.ann_file = (
        args.split or cfg.train_dataloader.dataset.ann_file)
    model = MODELS.build(cfg.model)
    load_network_weights(
        model,
        network_state_dict(
            load_checkpoint_file(args.checkpoint, map_location='cpu'),
            args.checkpoint), args.checkpoint, args.config)
    model.eval()
    classifier = find_module(model, args.classifier)
    if not isinstance(classifier, torch.nn.Conv2d) or (
            classifier.kernel_size != (1, 1) or classifier.out_channels != 1):
        raise SystemExit(f'--classifier {args.classifier} is '
                         f'{classifier}, not a 1x1 convolution to one logit')
    inputs = {}
    classifier.register_forward_pre_hook(
        lambda module, given: inputs.__setitem__('feature', given[0]))
    intersections, unions, target_logits, silent = [], [], [], []
    smallest_input = float('inf')
    with torch.no_grad():
        for batch in Runner.build_dataloader(loader_cfg):
            data = model.data_preprocessor(batch, False)
            outputs = model.decode_head(model.backbone(data['inputs']))
            truth = torch.stack(
                [s.gt_sem_seg.data for s in data['data_samples']]).bool()
            height, width = truth.shape[-2:]
            if not intersections:
                intersections, unions = [0] * len(outputs), [0] * len(outputs)
            for index, logits in enumerate(outputs):
                fired = logits[..., :height, :width] > 0
                intersections[index] += (fired & truth).sum().item()
                unions[index] += (fired | truth).sum().item()
            feature = inputs['feature'][..., :height, :width]
            smallest_input = min(smallest_input, feature.min().item())
            target_logits.append(outputs[-1][..., :height, :width][truth])
            silent.append((feature.amax(1, keepdim=True) <= 0)[truth])
    ious = [100 * i / max(u, 1) for i, u in zip(intersections, unions)]
    weights = classifier.weight.flatten()
    bias = classifier.bias.item() if classifier.bias is not None else 0.0
    logits = torch.cat(target_logits)
    print(f'{args.checkpoint} on {loader_cfg.dataset.ann_file}')
    print('IoU at 0.5 per output (last predicts): ' +
          ' / '.join(f'{v:.2f}' for v in ious))
    print(f'classifier {args.classifier}: weights ' +
          ' '.join(f'{w:+.3f}' for w in weights.tolist()) +
          f', bias {bias:+.3f}')
    if logits.numel():
        print(f'largest logit at a target pixel: {logits.max().item():+.3f}; '
              'target pixels with an all-zero classifier input: '
              f'{100 * torch.cat(silent).float().mean().item():.1f} %')
    locked = bool((weights <= 0).all()) and smallest_input >= 0
    print('sign-locked (every weight <= 0 on an input >= 0, so no logit '
          f'exceeds the bias {bias:+.3f}): {"yes" if locked else "no"}')


if __name__ == '__main__':
    main()
