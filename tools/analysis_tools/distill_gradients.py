"""How hard each loss of a distillation config pulls on the student.

For a few training batches, prints each loss term's value and the norm of
the gradient it sends into the student's parameters (the connectors are
left out), its ratio to the task loss's gradient and the cosine between
the two (does a step down this loss also descend the task?). The weights
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
        help='also write the table (mean value, gradient norm, ratio to '
        "and cosine with the task loss's gradient per loss, and all "
        'distillation losses together as '
        f'{ALL_DISTILL!r}) to this JSON file')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, help='overrides')
    args = parser.parse_args(argv)
    if args.json_out and osp.exists(args.json_out):
        parser.error(f'--json-out {args.json_out} exists; choose another '
                     'file (an earlier measurement is not replaced)')
    return args


def _flat_gradient(value: torch.Tensor,
                   params: List[torch.nn.Parameter]) -> torch.Tensor:
    """The gradient of ``value`` over ``params``, as one float64 vector
    (float32 sums over a network's parameters put its cosine with itself
    off 1 in the fifth digit)."""
    grads = torch.autograd.grad(
        value, params, retain_graph=True, allow_unused=True)
    return torch.cat([
        torch.zeros(p.numel()) if g is None else g.detach().flatten()
        for p, g in zip(params, grads)
    ]).double()


def gradient_norms(model, data: Dict) -> Dict[str, List[float]]:
    """Each loss term's value, gradient norm and alignment over the student.

    The alignment is the cosine between a term's gradient and the task
    losses' (the ``student.*`` terms together): above 0, a step down the
    term is also a step down the task loss; near 0 it only uses up
    Adagrad's accumulated squared gradients, which shrink every later
    step of the task loss too.

    Returns:
        dict: loss name -> [value, gradient norm, cosine to the task
        gradient].
    """
    params = [p for p in model.architecture.parameters() if p.requires_grad]
    losses = {
        name: value
        for name, value in model(**data, mode='loss').items()
        if 'loss' in name
    }
    distill = [value for name, value in losses.items()
               if name.startswith('distill.')]
    if distill:
        losses[ALL_DISTILL] = sum(distill)
    grads = {
        name: _flat_gradient(value, params)
        for name, value in losses.items()
    }
    task = sum(grad for name, grad in grads.items()
               if name.startswith('student.'))
    return {
        name: [
            float(losses[name].detach()),
            float(grad.norm()),
            float(torch.nn.functional.cosine_similarity(grad, task, dim=0))
        ]
        for name, grad in grads.items()
    }


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
        for name, triple in gradient_norms(model, data).items():
            records.setdefault(name, []).append(triple)
    task = next(name for name in records if name.startswith('student.'))
    task_norm = statistics.fmean(record[1] for record in records[task])
    print(f'{"loss":34s}{"value":>10s}{"|grad| on student":>20s}'
          f'{"vs task":>10s}{"cos task":>10s}')
    table = {}
    for name, triples in records.items():
        value, norm, cosine = (statistics.fmean(column)
                               for column in zip(*triples))
        table[name] = dict(
            value=value,
            grad_norm=norm,
            vs_task=norm / task_norm,
            cos_task=cosine)
        print(f'{name:34s}{value:10.4f}{norm:20.4e}{norm / task_norm:10.1f}'
              f'{cosine:10.2f}')
    if args.json_out:
        write_json_atomically(args.json_out, table)
    print(f'(mean over {args.batches} training batches; gradients of the '
          'weighted losses, connectors excluded; "cos task": cosine to the '
          "task loss's gradient)")


if __name__ == '__main__':
    main()
