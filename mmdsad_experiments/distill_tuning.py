"""The tuning protocol of ``compare_distill.py --tune``, one for every method
(:mod:`.tuning_runs` runs it).

Each method's distillation losses are given one common factor,
``model.distill_loss_weight`` (1, unless a config sets it, keeps the
weights of the method's reference setting, stated in its
``configs/_base_/distill/<method>.py``), chosen as follows, the same way
for DSAD and for every comparison method:

1. **Validation split.** ``val_split=dict(fraction, seed)`` carves a
   validation subset from the training split's ids
   (:func:`mmdsad.datasets.val_split.carve_val_split`, 20 % with seed 0 by
   default). Tuning runs train on the rest and are evaluated on it; the
   test split is never read while tuning.
2. **Candidates.** The tuning starts from a factor ``w``: 1, the reference
   weights (``start='reference'``, the default, so that a tuning on new
   data or a new schedule does not inherit the choice of an earlier one),
   or the factor the method's config sets (``start='configured'``, to
   refine it). The ratio ``r`` of the norm of the gradient that all of
   the method's distillation losses, weighted by ``w``, send into a
   freshly initialised student to that of its task loss is measured
   (``distill_gradients.py``, the mean over four training batches of the
   training subset). The candidates are ``w``, ``w/r`` (gradient-matched:
   both pulls equal at the start) and their geometric middle
   ``w/sqrt(r)``, each to two significant figures. The reference weights
   come from CIFAR-100 and COCO set-ups and pull between 0.2 and 11157
   times harder than SoftIoU on DNANet num4 (docs/results.md).
3. **Choice.** Each candidate is trained once (the tuning seed) and the one
   with the highest validation IoU averaged over the thresholds 0.05-0.95
   is kept, which penalises a dead prediction and a calibration collapse
   alike; a tie keeps the weight closer to the configured one, and a
   candidate whose training fails (diverges) is ranked last.

The chosen settings are written as configs that inherit the method's own,
so a user can reuse them, and the final runs (on the whole training split,
tested on the test split, over seeds) train those configs.
"""
import json
import math
import os
import os.path as osp
from dataclasses import dataclass
from typing import Dict, List, Tuple

from mmengine.config import Config

from mmdsad.utils.json_files import write_json_atomically

from .tool_runs import SWEEP_KEY

# distill_gradients.py's entry of every distillation loss together.
ALL_DISTILL = 'distill (all)'
GRADIENT_BATCHES = 4
WEIGHT_KEY = 'distill_loss_weight'
TUNING_STARTS = ('reference', 'configured')


@dataclass
class TuningProtocol:
    """The settings of one tuning.

    Args:
        val_fraction (float): Share of the training ids held out.
        split_seed (int): Which held-out subset.
        seed (int): Training seed of every tuning run.
        start (str): ``'reference'``: the candidates surround the reference
            weights (factor 1); ``'configured'``: the factor each method's
            config sets.
    """
    val_fraction: float = 0.2
    split_seed: int = 0
    seed: int = 0
    start: str = 'reference'

    def __post_init__(self) -> None:
        if self.start not in TUNING_STARTS:
            raise ValueError(f'TuningProtocol.start must be one of '
                             f'{TUNING_STARTS}, got {self.start!r}')

    def start_weight(self, config: str) -> float:
        """The factor the candidates of ``config``'s method surround."""
        return (configured_weight(config)
                if self.start == 'configured' else 1.0)

    def val_split(self, subset: str) -> dict:
        """The ``SIRSTDataset`` ``val_split`` of ``subset``."""
        return dict(
            fraction=self.val_fraction, seed=self.split_seed, subset=subset)


def val_split_overrides(config: str, protocol: TuningProtocol) -> dict:
    """Config overrides that train on the training subset of ``config``'s
    training split and validate and test on its held-out subset.

    Args:
        config (str): A training config whose ``train_dataloader`` reads one
            ``SIRSTDataset`` split file.
        protocol (TuningProtocol): The split's fraction and seed.

    Returns:
        dict: Overrides of the three data loaders' datasets.

    Raises:
        ValueError: The training data is not one SIRSTDataset split file
            (e.g. a concatenation of datasets), which the split needs.
    """
    dataset = Config.fromfile(config).train_dataloader.dataset
    if dataset.get('type') != 'SIRSTDataset' or not dataset.get('ann_file'):
        raise ValueError(
            f'{config}: tuning carves its validation ids from one '
            'SIRSTDataset split file, but train_dataloader.dataset is '
            f'{dataset.get("type")!r} with ann_file '
            f'{dataset.get("ann_file")!r}; tune on a config that trains on '
            "one split file (ann_file='50_50/train.txt').")
    held_out = dict(
        ann_file=dataset.ann_file, val_split=protocol.val_split('val'))
    return dict(
        train_dataloader=dict(
            dataset=dict(val_split=protocol.val_split('train'))),
        val_dataloader=dict(dataset=held_out),
        test_dataloader=dict(dataset=held_out))


def two_figures(value: float) -> float:
    """``value`` rounded to two significant figures."""
    return float(f'{value:.2g}')


def configured_weight(config: str) -> float:
    """The ``distill_loss_weight`` a config sets (1 when it sets none)."""
    return float(Config.fromfile(config).model.get(WEIGHT_KEY, 1.0))


def candidate_weights(gradient_ratio: float,
                      configured: float = 1.0) -> List[float]:
    """The configured weight ``w`` (1: the reference weights), the
    gradient-matched ``w/r`` and their geometric middle ``w/sqrt(r)``, to
    two significant figures, distinct, ascending.

    Args:
        gradient_ratio (float): ``r``, distillation over task gradient norm
            at the start with the configured weight, > 0.
        configured (float): The config's own ``distill_loss_weight``.

    Returns:
        list[float]: The candidate factors.

    Raises:
        ValueError: ``gradient_ratio`` is not a positive finite number (a
            method whose losses send no gradient cannot be matched).
    """
    if not 0 < gradient_ratio < math.inf:
        raise ValueError(
            'the distillation gradient ratio must be positive and finite, '
            f'got {gradient_ratio}: its losses send no gradient into the '
            'student, so there is no weight to tune')
    return sorted({
        configured,
        two_figures(configured / gradient_ratio),
        two_figures(configured / math.sqrt(gradient_ratio))
    })


def read_gradient_ratio(json_file: str) -> float:
    """The all-distillation-losses ratio in ``distill_gradients.py``'s
    ``--json-out`` file."""
    with open(json_file, encoding='utf-8') as file:
        table = json.load(file)
    if ALL_DISTILL not in table:
        raise ValueError(f'{json_file} has no {ALL_DISTILL!r} entry: the '
                         'config has no distillation loss')
    return table[ALL_DISTILL]['vs_task']


def choose_weight(val_metrics: Dict[float, Dict[str, float]],
                  configured: float = 1.0) -> float:
    """The candidate with the best validation sweep-mean IoU; a tie goes to
    the weight closer (in ratio) to the configured one.

    Args:
        val_metrics (dict): ``{weight: validation metrics}``.
        configured (float): The config's own ``distill_loss_weight``.

    Returns:
        float: The chosen weight.
    """
    return max(
        val_metrics,
        key=lambda w:
        (val_metrics[w][SWEEP_KEY], -abs(math.log(w / configured))))


def tuned_variant(method: str, weight: float) -> str:
    """A tuning run's variant name, e.g. ``kd@0.0027``."""
    return f'{method}@{weight:g}'


def write_tuned_config(path: str, method_config: str, weight: float,
                       protocol: TuningProtocol, schedule: str) -> None:
    """A config inheriting ``method_config`` with the chosen weight.

    A re-run of the same tuning writes the same file. A different one
    (another weight chosen, e.g. after changed candidates) is refused: the
    final runs kept beside it were trained with the earlier file.

    Args:
        path (str): The config file to write.
        method_config (str): The method's config.
        weight (float): The chosen ``distill_loss_weight``.
        protocol (TuningProtocol): The protocol that chose it.
        schedule (str): The schedule it was tuned at, for the comment.

    Raises:
        FileExistsError: ``path`` holds a different config.
    """
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    lines = [
        f'# {osp.basename(method_config)} with its distillation weight '
        'chosen by compare_distill.py --tune',
        f'# ({schedule}; validation: {protocol.val_fraction:g} of the '
        f'training ids, split seed {protocol.split_seed}, training seed '
        f'{protocol.seed}).',
        f'_base_ = {osp.abspath(method_config)!r}',
        f'model = dict({WEIGHT_KEY}={weight!r})',
    ]
    text = '\n'.join(lines) + '\n'
    if osp.exists(path):
        with open(path, encoding='utf-8') as file:
            if file.read() == text:
                return
        raise FileExistsError(
            f'{path} holds another tuning\'s choice, and the final runs '
            'beside it were trained with it; tune into a new work dir')
    temporary = f'{path}.{os.getpid()}.tmp'
    with open(temporary, 'w', encoding='utf-8') as file:
        file.write(text)
    os.replace(temporary, path)


def check_protocol(work_dir: str, protocol: TuningProtocol) -> None:
    """Record the protocol in ``work_dir/protocol.json``, or check that a
    kept tuning there used the same one (its runs are reused).

    Raises:
        ValueError: The kept tuning used other settings.
    """
    path = osp.join(work_dir, 'protocol.json')
    settings = vars(protocol)
    if osp.exists(path):
        with open(path, encoding='utf-8') as file:
            kept = json.load(file)
        if kept != settings:
            raise ValueError(
                f'{work_dir} holds a tuning with {kept}, not {settings}; '
                'its runs would be reused as if they were this one\'s. '
                'Pass the same settings or another work dir.')
        return
    write_json_atomically(path, settings)


def tuning_table(records: Dict[str, dict]) -> Tuple[str, dict]:
    """The tuning's markdown table and its JSON record.

    Args:
        records (dict): ``{method: dict(ratio=r, val={weight: metrics},
            failed=[weights whose training failed], chosen=w)}``, with the
            student alone as ``{'alone': dict(val={1.0: metrics})}``.

    Returns:
        tuple[str, dict]: Markdown and the JSON-ready record.
    """
    lines = [
        '| method | gradient ratio at start | candidate weight: validation '
        'IoU@0.5 / IoU 0.05-0.95 | chosen |', '|---|---|---|---|'
    ]
    for method, record in records.items():
        cells = ', '.join(
            [f'{w:g}: {m["IoU"]:.2f} / {m[SWEEP_KEY]:.2f}'
             for w, m in sorted(record['val'].items())] +
            [f'{w:g}: training failed' for w in record.get('failed', [])])
        ratio = record.get('ratio')
        chosen = record.get('chosen')
        lines.append(f'| {method} | '
                     f'{"—" if ratio is None else f"{ratio:.3g}"} | {cells} | '
                     f'{"—" if chosen is None else f"{chosen:g}"} |')
    serialisable = {
        method: dict(record, val={str(w): m
                                  for w, m in record['val'].items()})
        for method, record in records.items()
    }
    return '\n'.join(lines), serialisable


def write_tuning(work_dir: str, records: Dict[str, dict]) -> str:
    """Write ``tuning.md`` and ``tuning.json``; return the markdown."""
    markdown, record = tuning_table(records)
    with open(osp.join(work_dir, 'tuning.md'), 'w', encoding='utf-8') as f:
        f.write(markdown + '\n')
    write_json_atomically(osp.join(work_dir, 'tuning.json'), record)
    return markdown
