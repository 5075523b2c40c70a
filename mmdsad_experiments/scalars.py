"""What mmengine logged of a run: ``vis_data/scalars.json``.

Each ``tools/train.py`` or ``tools/test.py`` run writes a timestamped log
folder into its work dir; mmengine's ``LocalVisBackend`` (the configs'
``vis_backends``) appends there, to ``vis_data/scalars.json``, one JSON
object a line: a training record at each logger interval (``iter``,
``time``, ``data_time``, ``lr``, the losses) and a validation record after
each validation (its metrics, no ``iter``). The experiment tools read
timings from these records, not from the text of the logs.
"""
import glob
import json
import os.path as osp
import statistics
from typing import List, Tuple

SCALARS_FILE = osp.join('vis_data', 'scalars.json')
# The training records are those with the global iteration.
TRAIN_KEY = 'iter'
TIME_KEY = 'time'


def read_scalars(path: str) -> List[dict]:
    """The records of one ``scalars.json``, in the order logged.

    Raises:
        ValueError: A line is not a JSON object; the message names the file
            and the line.
    """
    records = []
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(
                    f'{path} line {number} is not JSON ({error}): is the file '
                    'mmengine\'s vis_data/scalars.json?') from error
            if not isinstance(record, dict):
                raise ValueError(f'{path} line {number} is not a JSON object')
            records.append(record)
    return records


def training_scalars(run_dir: str) -> Tuple[str, List[dict]]:
    """The training records of the newest training in ``run_dir``.

    Its log folders are read newest first (their names are timestamps);
    the first whose ``scalars.json`` holds training records is the last
    training's (a test writes a folder too, without them).

    Args:
        run_dir (str): A run's work dir.

    Returns:
        tuple[str, list[dict]]: The file and its training records.

    Raises:
        FileNotFoundError: No ``<run_dir>/<timestamp>/vis_data/scalars.json``
            holds a training record; the message says why that can be.
    """
    pattern = osp.join(run_dir, '*', SCALARS_FILE)
    for path in sorted(glob.glob(pattern), reverse=True):
        train = [r for r in read_scalars(path) if TRAIN_KEY in r]
        if train:
            return path, train
    raise FileNotFoundError(
        f'no {pattern} holds a training record (a line with "{TRAIN_KEY}"):'
        ' the training ended before its logger\'s first interval '
        '(default_hooks.logger.interval), or its config has no '
        "LocalVisBackend in visualizer.vis_backends")


def mean_time(path: str, records: List[dict]) -> float:
    """Mean seconds per training iteration of ``training_scalars``' records.

    The first record is left out when there are more (it holds the
    start-up: first data loading, lazy allocations).

    Args:
        path (str): Their file, for the error message.
        records (list[dict]): Training records, at least one.

    Raises:
        ValueError: A record has no ``time`` (no ``IterTimerHook``); the
            message names the file and the iterations.
    """
    untimed = [r[TRAIN_KEY] for r in records if TIME_KEY not in r]
    if untimed:
        raise ValueError(f'{path}: the training records of iterations '
                       f'{untimed} have no "{TIME_KEY}" (is '
                       'default_hooks.timer an IterTimerHook?)')
    times = [r[TIME_KEY] for r in records]
    return statistics.fmean(times[1:] or times)
