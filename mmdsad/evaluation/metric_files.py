"""Read the metrics JSON that ``tools/test.py --metrics-out`` writes.

:class:`~mmdsad.evaluation.metrics.IRSTDMetric` with ``thresholds``
reports every value once more per extra threshold, as ``IoU@0.30``,
``Pd@0.30``, ``Fa_1e-6@0.30`` and so on; these functions collect them into
curves over the threshold (tools/analysis_tools/plot_threshold_metrics.py,
tools/analysis_tools/plot_roc.py). ``tools/analysis_tools/
eval_predictions.py --out`` writes the same keys.
"""
import json
import re
from typing import Dict, List, Sequence

THRESHOLD_KEY = re.compile(
    r'^(?P<name>IoU|nIoU|Pd|Fa_1e-6|hIoU)@(?P<threshold>\d+(?:\.\d+)?)$')
HOW_TO_GET_THRESHOLDS = (
    "run tools/test.py with --metrics-out and --cfg-options "
    "'test_evaluator.thresholds=[0.1,0.3,0.5,0.7,0.9]' (or "
    'tools/analysis_tools/eval_predictions.py with --thresholds and --out)')


def load_metrics(path: str) -> Dict[str, float]:
    """Read a metrics JSON file: an object of metric names and numbers.

    Args:
        path (str): The file.

    Returns:
        dict[str, float]: The metrics.

    Raises:
        ValueError: The file is not JSON or not an object.
    """
    with open(path, encoding='utf-8') as file:
        try:
            metrics = json.load(file)
        except json.JSONDecodeError as error:
            raise ValueError(f'{path} is not a metrics JSON file ({error}).'
                             ) from error
    if not isinstance(metrics, dict):
        raise ValueError(f'{path} holds a JSON {type(metrics).__name__}, not '
                         'the object of metrics tools/test.py --metrics-out '
                         'writes.')
    return metrics


def threshold_points(metrics: Dict[str, float]
                     ) -> Dict[float, Dict[str, float]]:
    """The per-threshold values of a metrics dict, by threshold.

    Args:
        metrics (dict[str, float]): Keys like ``Pd@0.30``; others are
            ignored.

    Returns:
        dict[float, dict[str, float]]: For each threshold the values found
        at it, by name (``IoU``, ``nIoU``, ``Pd``, ``Fa_1e-6``, ``hIoU``).
    """
    points: Dict[float, Dict[str, float]] = {}
    for key, value in metrics.items():
        match = THRESHOLD_KEY.match(key)
        if match and isinstance(value, (int, float)):
            points.setdefault(float(match['threshold']),
                              {})[match['name']] = float(value)
    return points


def threshold_curves(metrics: Dict[str, float], names: Sequence[str],
                     source: str) -> Dict[str, List[float]]:
    """Curves of some metrics over the thresholds that have all of them.

    Args:
        metrics (dict[str, float]): As :func:`load_metrics` returns them.
        names (Sequence[str]): The metrics wanted, e.g. ``('Pd',
            'Fa_1e-6')``.
        source (str): Where the metrics came from, for the error message.

    Returns:
        dict[str, list[float]]: ``threshold`` (ascending) and one list per
        name, all of the same length (at least 2).

    Raises:
        ValueError: Fewer than two thresholds have all ``names``; the
            message says how to get them.
    """
    complete = {
        t: values
        for t, values in threshold_points(metrics).items()
        if all(name in values for name in names)
    }
    if len(complete) < 2:
        wanted = ', '.join(f'{name}@t' for name in names)
        raise ValueError(f'{source}: needs {wanted} for at least two '
                         f'thresholds t; {HOW_TO_GET_THRESHOLDS}.')
    thresholds = sorted(complete)
    curves = {'threshold': thresholds}
    for name in names:
        curves[name] = [complete[t][name] for t in thresholds]
    return curves
