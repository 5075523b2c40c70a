r"""What a config builds, to check that a refactoring keeps it.

For each config, builds its model with fixed seeds and records its state
dict (keys in order, values) and what it computes on a fixed batch: a
distillation config (teacher checkpoint replaced by a random one of the
teacher's config) the training losses of one step with the distillation
scale at 0.5, as the warm-up has it mid-ramp; a network config its
eval-mode outputs on a fixed image. ``--compare`` reads another
fingerprint folder and says, per config, EQUAL or what differs (exact
equality: the same code on the same machine computes the same bits).

Example (the configs before and after a change):
    git stash && python tools/analysis_tools/model_fingerprint.py \
        work_dirs/fp_before configs/distill/*.py
    git stash pop && python tools/analysis_tools/model_fingerprint.py \
        work_dirs/fp_after configs/distill/*.py --compare work_dirs/fp_before
"""
import argparse
import os
import os.path as osp
import sys
import tempfile
from typing import Dict, List, Optional

import torch
from mmengine.config import Config, ConfigDict
from mmengine.registry import DefaultScope
from mmengine.structures import PixelData
from mmrazor.registry import MODELS
from mmseg.structures import SegDataSample

import mmdsad  # noqa: F401  (registers everything; patches mmrazor first)
from mmdsad.utils import load_checkpoint_file
from mmdsad.utils.weights_only import save_weights_only

SIZE = 64
DISTILL_LOSS_SCALE = 0.5


def fixed_batch(num: int = 2) -> dict:
    """Two random uint8 images with two small targets each, as a
    dataloader gives them."""
    generator = torch.Generator().manual_seed(123)
    inputs, samples = [], []
    for _ in range(num):
        inputs.append(
            torch.randint(0, 255, (3, SIZE, SIZE), dtype=torch.uint8,
                          generator=generator))
        mask = torch.zeros(1, SIZE, SIZE, dtype=torch.long)
        mask[0, 10:13, 14:17] = 1
        mask[0, 40:44, 30:33] = 1
        sample = SegDataSample(
            metainfo=dict(img_shape=(SIZE, SIZE), ori_shape=(SIZE, SIZE)))
        sample.gt_sem_seg = PixelData(data=mask)
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


def as_floats(values) -> Dict[str, float]:
    """Losses (tensors or lists of them) or outputs, flattened to floats."""
    if isinstance(values, torch.Tensor):
        return {'sum': float(values.detach().double().sum()),
                'abs_sum': float(values.detach().double().abs().sum())}
    flat = {}
    for key, value in (values.items() if isinstance(values, dict) else
                       enumerate(values)):
        for sub, number in as_floats(value).items():
            flat[f'{key}.{sub}'] = number
    return flat


def fingerprint(config: str, scratch: str) -> dict:
    """State dict and fixed-batch results of ``config``'s model.

    Args:
        config (str): A network or distillation config.
        scratch (str): Folder for the random teacher checkpoint.

    Returns:
        dict: ``keys`` (list), ``state`` (tensors), ``results`` (floats).
    """
    cfg = Config.fromfile(config)
    distill = 'teacher' in cfg.model
    with DefaultScope.overwrite_default_scope(
            'mmrazor' if distill else 'mmseg'):
        model_cfg = ConfigDict(cfg.model)
        if distill:
            torch.manual_seed(0)
            teacher = MODELS.build(ConfigDict(cfg.model.teacher))
            model_cfg.teacher_ckpt = osp.join(scratch, 'teacher.pth')
            save_weights_only(teacher.state_dict(), {}, model_cfg.teacher_ckpt)
        torch.manual_seed(1)
        model = MODELS.build(model_cfg)
    model.init_weights()
    state = {key: value.clone() for key, value in model.state_dict().items()}
    torch.manual_seed(2)
    data = model.data_preprocessor(fixed_batch(), True)
    if distill:
        model.train()
        model.distill_loss_scale = DISTILL_LOSS_SCALE
        results = model(**data, mode='loss')
    else:
        model.eval()
        with torch.no_grad():
            results = model(data['inputs'], mode='tensor')
    return dict(keys=list(state), state=state, results=as_floats(results))


def differences(before: dict, after: dict) -> List[str]:
    """What differs between two fingerprints (empty: equal)."""
    if before['keys'] != after['keys']:
        changed = sorted(set(before['keys']) ^ set(after['keys']))
        return [f'state dict keys differ: {changed[:5]}'
                if changed else 'state dict key order differs']
    found = [
        f'value of {key}' for key in before['keys']
        if not torch.equal(before['state'][key], after['state'][key])
    ]
    if before['results'].keys() != after['results'].keys():
        found.append(f"results {sorted(before['results'])} vs "
                     f"{sorted(after['results'])}")
    else:
        found += [
            f"{key}: {before['results'][key]!r} vs {after['results'][key]!r}"
            for key in before['results']
            if before['results'][key] != after['results'][key]
        ]
    return found


def name_of(config: str) -> str:
    """A fingerprint's file name: the config's, without extension."""
    return osp.splitext(osp.basename(config))[0]


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.splitlines()[1:]))
    parser.add_argument('out_dir', help='where the fingerprints go')
    parser.add_argument('configs', nargs='+', help='configs to fingerprint')
    parser.add_argument(
        '--compare', help='folder of earlier fingerprints to compare with')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='replace fingerprints already in out_dir')
    args = parser.parse_args(argv)
    names = [name_of(c) for c in args.configs]
    if len(set(names)) != len(names):
        parser.error('configs must have distinct file names')
    existing = [
        n for n in names if osp.exists(osp.join(args.out_dir, f'{n}.pth'))
    ]
    if existing and not args.overwrite:
        parser.error(f'{args.out_dir} already holds fingerprints of '
                     f'{existing[:3]}; pass --overwrite or another out_dir')
    return args


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    os.makedirs(args.out_dir, exist_ok=True)
    differing = 0
    with tempfile.TemporaryDirectory() as scratch:
        for config in args.configs:
            name = name_of(config)
            result = fingerprint(config, scratch)
            torch.save(result, osp.join(args.out_dir, f'{name}.pth'))
            if not args.compare:
                print(f'{name}: {len(result["keys"])} tensors, '
                      f'{len(result["results"])} results')
                continue
            earlier = osp.join(args.compare, f'{name}.pth')
            if not osp.isfile(earlier):
                print(f'{name}: no earlier fingerprint')
                differing += 1
                continue
            found = differences(
                load_checkpoint_file(earlier, map_location='cpu'), result)
            differing += bool(found)
            print(f'{name}: ' + ('EQUAL' if not found else 'DIFFERS: ' +
                                 '; '.join(found[:3])))
    if args.compare:
        print(f'{differing} of {len(args.configs)} differ')
        sys.exit(1 if differing else 0)


if __name__ == '__main__':
    main()
