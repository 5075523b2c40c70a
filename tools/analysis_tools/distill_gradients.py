"""How hard each loss of a distillation config pulls on the student.

For a few training batches, prints each loss term's value and the norm of
the gradient it sends into the student's parameters (the connectors are
left out), and the ratio to the task loss's gradient. The loss weights
(α, β) balance loss *values*; what an optimiser sees is the gradients, and
Adagrad divides every later step by the root of all squared gradients so
far, so an early imbalance lasts for the whole run.

Example:
    python tools/analysis_tools/distill_gradients.py \
        configs/demo/dsad_dnanet_num16_num4_synthetic.py \
        --teacher-ckpt work_dirs/demo/teacher/teacher_weights.pth \
        --data-root work_dirs/demo/data
    # the same, for a student part-way through a run (its own checkpoint)
    ... --checkpoint work_dirs/demo/dsad/iter_400.pth
"""
import argparse
import os.path as osp
import statistics
from typing import Dict, List, Optional

import torch
from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope
from mmengine.runner import Runner, load_checkpoint, set_random_seed
from mmseg.registry import MODELS

import mmdsad  # noqa: F401  (registers everything; patches mmrazor first)
from mmdsad.utils.cli import set_data_root
from mmdsad.utils.json_files import write_json_atomically

# The entry of every distillation loss together: the gradient of their sum.
ALL_DISTILL = 'distill (all)'


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.splitlines()[1:]))
    parser.add_argument('config', help='a distillation config')
    parser.add_argument('--teacher-ckpt', help='sets model.teacher_ckpt')
    parser.add_argument('--data-root', help='dataset root')
    parser.add_argument(
        '--checkpoint',
        help='a checkpoint of this config to probe (default: the freshly '
        'initialised student); a full checkpoint must be in its run dir')
    parser.add_argument(
        '--batches', type=int, default=4, help='batches to average over')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--json-out',
        help='also write the table (mean value, gradient norm and ratio to '
        'the task loss per loss, and all distillation losses together as '
        f'{ALL_DISTILL!r}) to this JSON file')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, help='overrides')
    args = parser.parse_args(argv)
    if args.json_out and osp.exists(args.json_out):
        parser.error(f'--json-out {args.json_out} exists; choose another '
                     'file (an earlier measurement is not replaced)')
    return args


def gradient_norms(model, data: Dict) -> Dict[str, List[float]]:
    """Each loss term's value and gradient norm over the student.

    Returns:
        dict: loss name -> [value, gradient norm].
    """
    params = [p for p in model.architecture.parameters() if p.requires_grad]
    losses = model(**data, mode='loss')
    result = {}
    for name, value in losses.items():
        if 'loss' not in name:
            continue
        grads = torch.autograd.grad(
            value, params, retain_graph=True, allow_unused=True)
        norm = torch.sqrt(
            sum((g.detach()**2).sum() for g in grads if g is not None))
        result[name] = [float(value.detach()), float(norm)]
    distill = [value for name, value in losses.items()
               if name.startswith('distill.')]
    if distill:
        grads = torch.autograd.grad(
            sum(distill), params, retain_graph=True, allow_unused=True)
        result[ALL_DISTILL] = [
            float(sum(distill).detach()),
            float(torch.sqrt(
                sum((g.detach()**2).sum() for g in grads if g is not None)))
        ]
    return result


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    if args.teacher_ckpt:
        cfg.model.teacher_ckpt = args.teacher_ckpt
    if args.data_root:
        set_data_root(cfg, args.data_root)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    set_random_seed(args.seed)
    model = MODELS.build(cfg.model)
    model.init_weights()
    if args.checkpoint:
        # Weights-only (mmdsad's loader) and strict: figures for weights
        # that did not load would be figures of another model.
        load_checkpoint(
            model, args.checkpoint, map_location='cpu', strict=True)
    model.train()
    loader = Runner.build_dataloader(cfg.train_dataloader, seed=args.seed)
    records: Dict[str, List[List[float]]] = {}
    for _, batch in zip(range(args.batches), loader):
        data = model.data_preprocessor(batch, True)
        for name, pair in gradient_norms(model, data).items():
            records.setdefault(name, []).append(pair)
    task = next(name for name in records if name.startswith('student.'))
    task_norm = statistics.fmean(g for _, g in records[task])
    print(f'{"loss":34s}{"value":>10s}{"|grad| on student":>20s}'
          f'{"vs task":>10s}')
    table = {}
    for name, pairs in records.items():
        value = statistics.fmean(v for v, _ in pairs)
        norm = statistics.fmean(g for _, g in pairs)
        table[name] = dict(
            value=value, grad_norm=norm, vs_task=norm / task_norm)
        print(f'{name:34s}{value:10.4f}{norm:20.4e}{norm / task_norm:10.1f}')
    if args.json_out:
        write_json_atomically(args.json_out, table)
    print(f'(mean over {args.batches} training batches; gradients of the '
          'weighted losses, connectors excluded)')


if __name__ == '__main__':
    main()
