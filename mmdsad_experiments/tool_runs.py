"""Chains of tool runs (the demo, the studies): each run's full log in a
file, a progress bar on the terminal, and the shared test protocol.

``tools/misc/run_demo.py`` and the study tools chain several
``tools/train.py`` / ``tools/test.py`` runs. Their mmengine logs (config
dumps, hook tables, per-iteration lines) belong in files; the terminal gets
one bar per run, advanced by the ``Iter(train) [k/N]`` and
``Iter(test) [k/N]`` lines the log prints.
"""
import glob
import os
import os.path as osp
import re
import statistics
import subprocess
import threading
from collections import deque
from typing import Dict, List, Optional

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from mmdsad.evaluation.functional import DEFAULT_HSE_THRESHOLDS

# mmengine's LoggerHook line: "Iter(train) [ 25/400]  lr: ...".
ITER_LINE = re.compile(r'Iter\((train|val|test)\)\s*\[\s*(\d+)/(\d+)\]')
TAIL_LINES = 30
CHECKPOINT_NAME = re.compile(r'(?:iter|epoch)_(\d+)\.pth')
# The threshold-free view: IoU at each of HSE's probability thresholds
# (0.05, 0.10, ..., 0.95).
SWEEP_THRESHOLDS = DEFAULT_HSE_THRESHOLDS
SWEEP_KEY = 'IoU_sweep'


class ToolRunError(RuntimeError):
    """A tool run exited with an error; the message holds its log's tail."""


def progress_bar() -> Progress:
    """The bar every logged run shows: label, bar, k/N, elapsed time."""
    return Progress(
        TextColumn('{task.description:<40}'), BarColumn(),
        MofNCompleteColumn(), TimeElapsedColumn())


def run_logged(command: List[str],
               log_file: str,
               description: str,
               cwd: Optional[str] = None,
               env: Optional[Dict[str, str]] = None,
               progress: Optional[Progress] = None,
               stop: Optional[threading.Event] = None) -> None:
    """Run ``command`` with its output in ``log_file`` and a progress bar.

    Args:
        command (list[str]): The command line.
        log_file (str): File that receives stdout and stderr (overwritten).
        description (str): Label of the bar.
        cwd (str, optional): Working directory of the command.
        env (dict, optional): Extra environment variables.
        progress (Progress, optional): A live bar group to add this run's
            bar to (for parallel runs); a new one is shown when None.
        stop (threading.Event, optional): Set by another thread to end the
            run early (it is terminated at its next output line), e.g.
            because a parallel run failed.

    Raises:
        ToolRunError: The command exited with a non-zero status, or was
            stopped; the message names the log file and quotes its last
            lines.
    """
    os.makedirs(os.path.dirname(os.path.abspath(log_file)), exist_ok=True)
    # Unbuffered, so the bar follows the run as it goes.
    full_env = dict(os.environ, PYTHONUNBUFFERED='1', **(env or {}))
    own_progress = progress is None
    if own_progress:
        progress = progress_bar()
        progress.start()
    task = progress.add_task(description, total=None)
    tail: deque = deque(maxlen=TAIL_LINES)
    try:
        # Line-buffered, so the log can be followed while the run goes on.
        with open(log_file, 'w', encoding='utf-8',
                  buffering=1) as log, subprocess.Popen(
                      command,
                      cwd=cwd,
                      env=full_env,
                      stdout=subprocess.PIPE,
                      stderr=subprocess.STDOUT,
                      text=True,
                      bufsize=1) as process:
            log.write('$ ' + ' '.join(command) + '\n')
            for line in process.stdout:
                log.write(line)
                tail.append(line)
                if stop is not None and stop.is_set():
                    process.terminate()
                match = ITER_LINE.search(line)
                if match:
                    stage, done, total = match.groups()
                    progress.update(
                        task,
                        description=f'{description} ({stage})',
                        completed=int(done),
                        total=int(total))
            status = process.wait()
        bar = next(t for t in progress.tasks if t.id == task)
        if status == 0 and bar.total is None:
            # A tool without iterations: show it done.
            progress.update(task, total=1, completed=1)
    finally:
        if own_progress:
            progress.stop()
    if stop is not None and stop.is_set():
        raise ToolRunError(f'{" ".join(command)} was stopped; full log: '
                           f'{log_file}')
    if status != 0:
        raise ToolRunError(
            f'{" ".join(command)} exited with status {status}; full log: '
            f'{log_file}. Last lines:\n' + ''.join(tail))


def last_checkpoint(work_dir: str) -> str:
    """The last ``iter_<k>.pth`` (or ``epoch_<k>.pth``) training wrote.

    Raises:
        FileNotFoundError: ``work_dir`` holds no such checkpoint.
    """
    found = [
        path for path in glob.glob(osp.join(work_dir, '*.pth'))
        if CHECKPOINT_NAME.fullmatch(osp.basename(path))
    ]
    if not found:
        raise FileNotFoundError(f'training wrote no checkpoint in {work_dir}')
    return max(
        found,
        key=lambda p: int(CHECKPOINT_NAME.fullmatch(osp.basename(p))[1]))


def sweep_option() -> str:
    """``--cfg-options`` entry that evaluates every sweep threshold."""
    values = ','.join(f'{t:g}' for t in SWEEP_THRESHOLDS)
    return f'test_evaluator.thresholds=[{values}]'


def add_sweep_mean(metrics: Dict[str, float]) -> Dict[str, float]:
    """Add ``IoU_sweep``, the mean IoU over the sweep thresholds.

    Args:
        metrics (dict): Test metrics with ``IoU@0.05`` ... ``IoU@0.95``.

    Returns:
        dict: The same dict, with ``IoU_sweep`` set.
    """
    metrics[SWEEP_KEY] = statistics.fmean(metrics[f'IoU@{t:.2f}']
                                          for t in SWEEP_THRESHOLDS)
    return metrics
