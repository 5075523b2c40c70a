"""Connector widths read from the built networks, not written in configs.

A distillation config names where each network is recorded (module
names); the channel widths there are facts of the built networks. A
connector config that leaves its width arguments out gets them here: the
width of the recorder it transforms and the width of the other network's
recorder of the same name (the one the loss compares it with). Widths are
measured by running each network once, in eval mode without gradients, on
a small blank batch with hooks on the recorded modules.
"""
import copy
import inspect
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn as nn
from mmrazor.registry import MODELS

from ...utils.distill_checks import MODULE_RECORDERS, DistillConfigError

# Width arguments of connectors, as (input width, output width).
WIDTH_ARGUMENTS = (('in_channel', 'out_channel'), ('student_channels',
                                                   'teacher_channels'))
PROBE_SIZE = 64
SIDES = ('student', 'teacher')


def width_arguments(connector: Dict) -> Optional[Tuple[str, str]]:
    """The (input, output) width arguments ``connector``'s class takes, or
    None for a connector without widths (e.g. a parameter-free one)."""
    connector_type = connector['type']
    cls = (connector_type if inspect.isclass(connector_type) else
           MODELS.get(connector_type))
    if cls is None:
        raise DistillConfigError(
            f'connector type {connector_type!r} is not registered in '
            'MMRazor\'s MODELS; check model.distiller.connectors')
    parameters = inspect.signature(cls.__init__).parameters
    for pair in WIDTH_ARGUMENTS:
        if all(name in parameters for name in pair):
            return pair
    return None


def with_widths(connector: Dict, in_width: int, out_width: int) -> Dict:
    """A copy of ``connector`` whose width arguments it leaves out are
    ``in_width`` and ``out_width`` (a connector without widths is returned
    as it is)."""
    connector = copy.deepcopy(connector)
    pair = width_arguments(connector)
    for arg, width in zip(pair or (), (in_width, out_width)):
        connector.setdefault(arg, width)
    return connector


def connector_uses(distiller: Dict) -> Dict[str, List[Tuple[bool, str]]]:
    """Where each connector is applied: (from_student, recorder) pairs from
    ``loss_forward_mappings``."""
    uses: Dict[str, List[Tuple[bool, str]]] = {}
    for mapping in (distiller.get('loss_forward_mappings') or {}).values():
        for spec in mapping.values():
            if isinstance(spec, dict) and spec.get('connector'):
                use = (bool(spec['from_student']), spec['recorder'])
                if use not in uses.setdefault(spec['connector'], []):
                    uses[spec['connector']].append(use)
    return uses


def recorded_widths(network: nn.Module, recorders: Dict,
                    names: List[str]) -> Dict[str, int]:
    """Channel widths of the named module recorders of ``network``.

    Runs ``network`` once on a blank (1, 3, 64, 64) batch in eval mode
    without gradients, then restores every module's training flag; the
    random generator is untouched.

    Args:
        network (nn.Module): A built segmentor.
        recorders (dict): Recorder configs by name (``ModuleOutputs`` or
            ``ModuleInputs``).
        names (list[str]): The recorders to measure.

    Returns:
        dict[str, int]: Dimension 1 of each recorded tensor.
    """
    widths: Dict[str, int] = {}
    handles = []

    def keep(name: str, tensor) -> None:
        if isinstance(tensor, (tuple, list)) and len(tensor) == 1:
            tensor = tensor[0]
        if isinstance(tensor, torch.Tensor) and tensor.dim() > 1:
            widths.setdefault(name, tensor.shape[1])

    for name in names:
        recorder = recorders[name]
        module = network.get_submodule(recorder['source'])
        if recorder['type'] == 'ModuleOutputs':
            handles.append(module.register_forward_hook(
                lambda _, args, output, name=name: keep(name, output)))
        else:
            handles.append(module.register_forward_pre_hook(
                lambda _, args, name=name: keep(name, args)))
    flags = {module: module.training for module in network.modules()}
    network.eval()
    try:
        with torch.no_grad(), torch.random.fork_rng(devices=[]):
            network(torch.zeros(1, 3, PROBE_SIZE, PROBE_SIZE), mode='tensor')
    finally:
        for handle in handles:
            handle.remove()
        for module, flag in flags.items():
            module.training = flag
    return widths


def with_connector_widths(distiller: Dict, student: nn.Module,
                          teacher: nn.Module) -> Dict:
    """``distiller`` with each connector's missing widths filled in.

    A connector whose class takes (``in_channel``, ``out_channel``) or
    (``student_channels``, ``teacher_channels``) and whose config gives
    neither gets, as input width, the width of the recorder it is applied
    to in ``loss_forward_mappings`` and, as output width, the width of the
    other network's recorder of the same name. Widths given in the config
    are kept.

    Args:
        distiller (dict): The distiller config.
        student (nn.Module): The built student.
        teacher (nn.Module): The built teacher.

    Returns:
        dict: A copy of ``distiller`` (the input is not changed).

    Raises:
        DistillConfigError: A connector to fill is unused, used on two
            recorders, or its recorder is not a module recorder or has no
            counterpart of the same name in the other network.
    """
    distiller = copy.deepcopy(distiller)
    connectors = distiller.get('connectors') or {}
    uses = connector_uses(distiller)
    networks = dict(student=student, teacher=teacher)
    # connector -> (width arguments, input side, output side, recorder)
    needed: Dict[str, Tuple[Tuple[str, str], str, str, str]] = {}
    for name, connector in connectors.items():
        pair = width_arguments(connector)
        if pair is None or all(arg in connector for arg in pair):
            continue
        where = f'model.distiller.connectors.{name}'
        if len(uses.get(name, [])) != 1:
            raise DistillConfigError(
                f'{where}: its widths {pair} are not set and cannot be '
                'read from the networks, since loss_forward_mappings apply '
                f'it to {len(uses.get(name, []))} recorders (one is '
                f'needed); set {pair[0]} and {pair[1]}.')
        from_student, recorder = uses[name][0]
        source, target = SIDES if from_student else SIDES[::-1]
        for side in (source, target):
            spec = (distiller.get(f'{side}_recorders') or {}).get(recorder)
            if spec is None or spec.get('type') not in MODULE_RECORDERS:
                raise DistillConfigError(
                    f'{where}: its widths {pair} are not set, and the '
                    f'{side} has no module recorder {recorder!r} to read '
                    f'them from; set {pair[0]} and {pair[1]}, or record '
                    f'model.distiller.{side}_recorders.{recorder}.')
        needed[name] = (pair, source, target, recorder)
    if not needed:
        return distiller
    recorders = sorted({recorder for *_, recorder in needed.values()})
    measured = {
        side: recorded_widths(networks[side],
                              distiller.get(f'{side}_recorders') or {},
                              recorders)
        for side in SIDES
    }
    for name, (pair, source, target, recorder) in needed.items():
        for side in (source, target):
            if recorder not in measured[side]:
                raise DistillConfigError(
                    f'model.distiller.connectors.{name}: the {side}\'s '
                    f'recorder {recorder!r} recorded no feature map in a '
                    f'forward of the {side}; set {pair[0]} and {pair[1]}.')
        connectors[name] = with_widths(connectors[name],
                                       measured[source][recorder],
                                       measured[target][recorder])
    return distiller
