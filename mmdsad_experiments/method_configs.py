"""Which config a distillation run trains: a method's, for a network and
dataset.

Every method has an explicit config for DNANet on NUDT-SIRST,
``configs/distill/<method>_dnanet_num16_num4_nudt.py`` (the reference
pair). For another pair the explicit config is used where one exists;
otherwise :func:`composed_method_config` writes one that inherits the
reference config and swaps in the pair's networks, data and the modules
named by the network's entry of ``configs/_base_/distill/distill_points.py``
(connector widths are read from the built networks). Adding a network to
the comparison is that one entry plus the network's own configs.
"""
import os
import os.path as osp
from typing import Dict, List

from mmengine.config import Config

from .study_runs import REPO_ROOT

DISTILL_POINTS = osp.join(REPO_ROOT, 'configs', '_base_', 'distill',
                          'distill_points.py')
# The networks with distillation points: one entry each.
NETWORKS = tuple(Config.fromfile(DISTILL_POINTS).distill_points)
# Each dataset's config (its loaders and evaluators).
DATASET_CONFIGS = dict(nudt='nudt_sirst.py', sirst='nuaa_sirst.py')
DATASETS = tuple(DATASET_CONFIGS)
METHODS = ('kd', 'nst', 'at', 'kdsvd', 'rkd', 'cckd', 'mgd', 'pkd',
           'crosskd', 'dsad')
# The pair every method has an explicit config for, which the others are
# composed from.
REFERENCE_PAIR = ('dnanet', 'nudt')
# What a Schedule's data config replaces in every run.
DATA_KEYS = ('train_dataloader', 'val_dataloader', 'test_dataloader',
             'val_evaluator', 'test_evaluator')


def student_config(net: str, data: str) -> str:
    """The student alone: ``configs/<net>/<net>_num4_<data>.py``."""
    return osp.join(REPO_ROOT, 'configs', net, f'{net}_num4_{data}.py')


def teacher_config(net: str, data: str) -> str:
    """The num16 teacher: ``configs/<net>/<net>_num16_<data>_teacher.py``
    where the network has a teacher-only variant (DMFNet, without its
    training blur), else ``configs/<net>/<net>_num16_<data>.py``."""
    frozen = osp.join(REPO_ROOT, 'configs', net,
                      f'{net}_num16_{data}_teacher.py')
    if osp.isfile(frozen):
        return frozen
    return osp.join(REPO_ROOT, 'configs', net, f'{net}_num16_{data}.py')


def method_config(method: str, net: str, data: str) -> str:
    """A method's explicit config,
    ``configs/distill/<method>_<net>_num16_num4_<data>.py`` (it may not
    exist: see :func:`composed_method_config`)."""
    return osp.join(REPO_ROOT, 'configs', 'distill',
                    f'{method}_{net}_num16_num4_{data}.py')


def missing_method_configs(methods: List[str], net: str,
                           data: str) -> List[str]:
    """What :func:`method_variants` cannot compose for ``net`` on ``data``:
    each missing network config or reference config, relative to the
    repository root."""
    if not methods:
        return []
    needed = [student_config(net, data), teacher_config(net, data)]
    needed += [method_config(m, *REFERENCE_PAIR) for m in methods]
    return [
        osp.relpath(path, REPO_ROOT) for path in needed
        if not osp.isfile(path)
    ]


def network_cfg_path(path: str) -> str:
    """``configs/<dir>/<file>`` as MMRazor's ``mmdsad::<dir>/<file>``."""
    relative = osp.relpath(path, osp.join(REPO_ROOT, 'configs'))
    return 'mmdsad::' + relative.replace(os.sep, '/')


def composed_overrides(method: str, net: str, data: str) -> Dict:
    """What turns the method's reference config into ``net`` on ``data``.

    The student and teacher are ``net``'s configs for ``data``
    (:func:`student_config`, :func:`teacher_config`); each recorder of the
    reference config records the module that ``net``'s entry of
    ``distill_points.py`` names for the recorder's name (connector widths
    are read from the built networks), and CrossKD's loss reads the head
    output ``cross_output_index`` (-1 if the entry has none); the loaders
    and evaluators are ``data``'s; ``distill_loss_weight`` is 1, the
    methods' reference weights, since the reference config's was tuned
    for its own pair.

    Args:
        method (str): One of :data:`METHODS`.
        net (str): A network of ``distill_points.py``.
        data (str): One of :data:`DATASETS`.

    Returns:
        dict: Overrides of the reference config (mmengine's merge).

    Raises:
        ValueError: ``net`` has no entry, or its entry lacks a recorder of
            the reference config.
    """
    points = Config.fromfile(DISTILL_POINTS).distill_points
    if net not in points:
        raise ValueError(
            f'{net!r} has no distillation points: add an entry of module '
            f'names to {osp.relpath(DISTILL_POINTS, REPO_ROOT)} (README, '
            f'"Distilling another network"); it has {sorted(points)}')
    entry = points[net]
    reference = Config.fromfile(method_config(method, *REFERENCE_PAIR))
    distiller = {}
    for side in ('student_recorders', 'teacher_recorders'):
        recorders = reference.model.distiller.get(side) or {}
        missing = sorted(set(recorders) - set(entry))
        if missing:
            raise ValueError(
                f'{method}: the entry {net!r} of '
                f'{osp.relpath(DISTILL_POINTS, REPO_ROOT)} lacks the '
                f'module names of recorders {missing}')
        distiller[side] = {
            name: dict(source=entry[name])
            for name in recorders
        }
    # CrossKD compares one output of the head's two runs (specs with a
    # record_idx): the one the handed-over feature alone decides.
    mappings = {
        loss: {
            arg: dict(data_idx=entry.get('cross_output_index', -1))
            for arg, spec in mapping.items() if 'record_idx' in spec
        }
        for loss, mapping in (
            reference.model.distiller.get('loss_forward_mappings')
            or {}).items()
    }
    distiller['loss_forward_mappings'] = {
        loss: specs
        for loss, specs in mappings.items() if specs
    }
    model = dict(
        architecture=dict(
            cfg_path=network_cfg_path(student_config(net, data))),
        teacher=dict(cfg_path=network_cfg_path(teacher_config(net, data))),
        teacher_ckpt=f'checkpoints/{net}_num16_{data}.pth',
        distiller=distiller,
        distill_loss_weight=1.0)
    overrides = dict(model=model)
    overrides.update(
        data_overrides(
            osp.join(REPO_ROOT, 'configs', '_base_', 'datasets',
                     DATASET_CONFIGS[data])))
    return overrides


def composed_method_config(method: str, net: str, data: str,
                           out_dir: str) -> str:
    """The method's config for ``net`` on ``data``: the explicit one if it
    exists, else one composed (:func:`composed_overrides`) and written to
    ``<out_dir>/<method>_<net>_num16_num4_<data>.py``, which inherits the
    reference config."""
    explicit = method_config(method, net, data)
    if osp.isfile(explicit):
        return explicit
    return inheriting_config(
        osp.join(out_dir, osp.basename(explicit)),
        method_config(method, *REFERENCE_PAIR),
        composed_overrides(method, net, data))


def data_overrides(data_config: str) -> dict:
    """The loaders and evaluators of ``data_config``, replacing a config's
    own."""
    data = Config.fromfile(data_config)
    return {
        key: dict(data[key], _delete_=True)
        if isinstance(data[key], dict) else data[key]
        for key in DATA_KEYS
    }


def inheriting_config(path: str, config: str, overrides: dict) -> str:
    """Write ``path``: ``config`` with ``overrides``; return ``path``."""
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(f'_base_ = {osp.abspath(config)!r}\n')
        f.write(Config(overrides).pretty_text)
    return path
