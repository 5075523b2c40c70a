"""Train-then-test runs of a study (variants × seeds), resumable.

``tools/analysis_tools/compare_distill.py`` and ``reproduce.py`` train
every variant once per seed with ``tools/train.py``, test its last
checkpoint with ``tools/test.py`` at threshold 0.5 and over the sweep
thresholds, and keep the metrics (and the mean training time per iteration)
in ``<work_dir>/<variant>/seed<k>/test_metrics.json``; a run whose file
exists is not repeated.
"""
import json
import os
import os.path as osp
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from rich.progress import Progress

from .scalars import mean_time, training_scalars
from .tool_runs import (
    ToolRunError,
    add_sweep_mean,
    last_checkpoint,
    progress_bar,
    run_logged,
    sweep_option,
)

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
TIME_KEY = 'time_per_iter'
LAUNCHERS = ('none', 'pytorch')


@dataclass
class StudyRun:
    """One variant at one seed.

    Args:
        name (str): Variant name, also its folder under the work dir.
        config (str): Config to train and test.
        overrides (list[str]): ``--cfg-options`` entries of this variant.
        seed (int): Random seed.
    """
    name: str
    config: str
    overrides: List[str]
    seed: int


@dataclass
class StudySettings:
    """What every run of a study shares.

    Args:
        work_dir (str): Where the runs go.
        data_root (str, optional): Dataset root for every dataloader.
        cfg_options (list[str]): ``--cfg-options`` entries for every run.
        threads (int): CPU threads of each run (``OMP_NUM_THREADS``).
        launcher (str): mmengine launcher, ``'none'`` or ``'pytorch'``
            (each tool then starts under ``torchrun`` with ``nproc``
            processes).
        nproc (int): Processes per run with the ``pytorch`` launcher.
    """
    work_dir: str
    data_root: Optional[str] = None
    cfg_options: List[str] = field(default_factory=list)
    threads: int = 1
    launcher: str = 'none'
    nproc: int = 1


def tool_command(tool: str, settings: StudySettings) -> List[str]:
    """The command line that starts ``tool`` with the study's launcher.

    Args:
        tool (str): Script path relative to the repository root.
        settings (StudySettings): The study's launcher and process count.

    Returns:
        list[str]: The command, ending with ``--launcher`` when distributed.
    """
    if settings.launcher not in LAUNCHERS:
        raise ValueError(f'launcher must be one of {LAUNCHERS}, got '
                         f'{settings.launcher!r}')
    if settings.launcher == 'none':
        return [sys.executable, tool]
    # --standalone: torchrun picks a free rendezvous port, so runs started
    # at once do not collide.
    return [
        sys.executable, '-m', 'torch.distributed.run', '--standalone',
        f'--nproc_per_node={settings.nproc}', tool, '--launcher',
        settings.launcher
    ]


def mean_iteration_time(run_dir: str) -> Optional[float]:
    """Mean seconds per iteration of the newest training in ``run_dir``,
    from its ``vis_data/scalars.json`` (:mod:`.scalars`; the first logged
    value left out when there are more).

    Args:
        run_dir (str): The run's work dir.

    Returns:
        float | None: None when the training logged no record (it ended
        before its logger's first interval); the summary's
        :func:`~.study_summary.check_times` then says how to fix it.
    """
    try:
        path, records = training_scalars(run_dir)
    except FileNotFoundError:
        return None
    return mean_time(path, records)


def train_and_test(run: StudyRun,
                   settings: StudySettings,
                   progress: Optional[Progress] = None) -> Dict[str, float]:
    """Train and test one run; return the saved result if it is finished.

    Args:
        run (StudyRun): The variant and seed.
        settings (StudySettings): What every run shares.
        progress (Progress, optional): Bar group for the run's bars.

    Returns:
        dict: Test metrics, ``IoU_sweep`` and ``time_per_iter`` (None if
        training logged no iteration).

    Raises:
        ToolRunError: Training or testing failed (the message names the log).
    """
    run_dir = osp.abspath(
        osp.join(settings.work_dir, run.name, f'seed{run.seed}'))
    result_file = osp.join(run_dir, 'test_metrics.json')
    if osp.exists(result_file):
        with open(result_file, encoding='utf-8') as f:
            return json.load(f)
    options = [
        f'randomness.seed={run.seed}', *settings.cfg_options, *run.overrides
    ]
    # The tools run from the repository root: paths must not depend on ours.
    config = osp.abspath(run.config)
    data = (['--data-root', osp.abspath(settings.data_root)]
            if settings.data_root else [])
    threads = str(max(1, settings.threads // settings.nproc))
    env = dict(OMP_NUM_THREADS=threads, MKL_NUM_THREADS=threads)
    label = f'{run.name} seed {run.seed}'
    # A run without its result file is unfinished: it is redone from the
    # start, over what its failed attempt left (--overwrite).
    run_logged([
        *tool_command('tools/train.py', settings), config, '--work-dir',
        run_dir, *data, '--overwrite', '--cfg-options', *options
    ], osp.join(run_dir, 'train.log'), label, REPO_ROOT, env, progress)
    run_logged([
        *tool_command('tools/test.py', settings), config,
        last_checkpoint(run_dir), '--work-dir', run_dir, *data,
        '--metrics-out', result_file + '.tmp', '--overwrite',
        '--cfg-options', *options,
        sweep_option()
    ], osp.join(run_dir, 'test.log'), label, REPO_ROOT, env, progress)
    with open(result_file + '.tmp', encoding='utf-8') as f:
        metrics = add_sweep_mean(json.load(f))
    metrics[TIME_KEY] = mean_iteration_time(run_dir)
    # Written last, so an interrupted run is redone rather than half-read.
    with open(result_file, 'w', encoding='utf-8') as f:
        json.dump(metrics, f, indent=2)
    os.remove(result_file + '.tmp')
    return metrics


def run_study(
    runs: List[StudyRun],
    settings: StudySettings,
    jobs: int = 1,
    failed: Optional[Dict[str, str]] = None
) -> Dict[str, Dict[int, Dict[str, float]]]:
    """Run (or reuse) every run, ``jobs`` at a time, with progress bars.

    Args:
        runs (list[StudyRun]): The runs.
        settings (StudySettings): What every run shares.
        jobs (int): Runs at once.
        failed (dict, optional): Where to report failed runs
            (``'<variant> seed <k>'`` to the error) instead of raising,
            for callers to whom a failure is a result (a tuning candidate
            that diverges).

    Returns:
        dict: ``{variant: {seed: metrics}}`` of the runs that succeeded.

    Raises:
        ToolRunError: Some runs failed and ``failed`` is None; the message
            lists them. The others are finished and kept, so a re-run
            redoes only the failed ones.
    """
    os.makedirs(settings.work_dir, exist_ok=True)
    results: Dict[str, Dict[int, Dict[str, float]]] = {}
    errors = {}
    with progress_bar() as progress, ThreadPoolExecutor(jobs) as pool:
        futures = [
            pool.submit(train_and_test, run, settings, progress)
            for run in runs
        ]
        for run, future in zip(runs, futures):
            try:
                results.setdefault(run.name, {})[run.seed] = future.result()
            except ToolRunError as error:
                errors[f'{run.name} seed {run.seed}'] = str(error)
    if errors and failed is None:
        raise ToolRunError('Failed runs:\n' + '\n'.join(
            f'{run}: {error}' for run, error in errors.items()))
    if failed is not None:
        failed.update(errors)
    return results
