"""The runs of ``compare_distill.py --tune``: :mod:`.distill_tuning`'s
protocol carried out for the methods of a :class:`~.comparison.Comparison`.

Everything goes into ``<work_dir>/tune/`` (the gradient ratios, the
candidates' runs on the validation split, ``tuning.md``) and the chosen
settings into ``<work_dir>/tuned_configs/``; a re-run reuses what is there.
"""
import dataclasses
import os
import os.path as osp
import sys
from typing import Dict, Tuple

from .comparison import Comparison
from .distill_tuning import (
    GRADIENT_BATCHES,
    WEIGHT_KEY,
    TuningProtocol,
    candidate_weights,
    check_protocol,
    choose_weight,
    configured_weight,
    read_gradient_ratio,
    tuned_variant,
    val_split_overrides,
    write_tuned_config,
    write_tuning,
)
from .method_configs import inheriting_config
from .study_runs import REPO_ROOT, StudyRun, run_study
from .study_summary import ALONE
from .tool_runs import ToolRunError, run_logged


def gradient_ratio(method: str, config: str, tuning: Comparison,
                   seed: int) -> float:
    """Measure (or read the kept) distillation-to-task gradient ratio of a
    freshly initialised student with ``distill_gradients.py``:
    ``<tuning work dir>/gradients/<method>.json``."""
    settings = tuning.settings
    out = osp.join(settings.work_dir, 'gradients', f'{method}.json')
    if not osp.exists(out):
        data = (['--data-root', osp.abspath(settings.data_root)]
                if settings.data_root else [])
        threads = str(settings.threads)
        run_logged([
            sys.executable, 'tools/analysis_tools/distill_gradients.py',
            osp.abspath(config), '--teacher-ckpt',
            osp.abspath(tuning.teacher_ckpt), *data, '--batches',
            str(GRADIENT_BATCHES), '--seed',
            str(seed), '--json-out', out
        ], out[:-len('.json')] + '.log', f'{method} gradients', REPO_ROOT,
                   dict(OMP_NUM_THREADS=threads, MKL_NUM_THREADS=threads))
    return read_gradient_ratio(out)


def tune(comparison: Comparison, configs: Dict[str, str],
         protocol: TuningProtocol,
         jobs: int = 1) -> Tuple[Dict[str, str], str]:
    """Choose each method's weight on the validation split.

    Args:
        comparison (Comparison): The final runs' settings, teacher, student
            and schedule; the tuning runs keep them but for the data.
        configs (dict): ``{method: its config}``.
        protocol (TuningProtocol): The split and the tuning seed.
        jobs (int): Runs at once.

    Returns:
        tuple[dict, str]: ``{method: its tuned config}`` (written to
        ``<work_dir>/tuned_configs/``) and the tuning's markdown table.

    Raises:
        ToolRunError: The student alone, or every candidate of a method,
            failed to train.
        ValueError: ``<work_dir>/tune`` holds a tuning with another
            protocol.
        FileExistsError: A tuned config there holds another choice.
    """
    work_dir = comparison.settings.work_dir
    tune_dir = osp.join(work_dir, 'tune')
    os.makedirs(tune_dir, exist_ok=True)
    check_protocol(tune_dir, protocol)
    tuning = dataclasses.replace(
        comparison,
        settings=dataclasses.replace(comparison.settings, work_dir=tune_dir))

    start = {m: protocol.start_weight(c) for m, c in configs.items()}

    def held_out(name: str, config: str) -> str:
        scheduled = comparison.schedule.config(name, config, tune_dir)
        overrides = val_split_overrides(scheduled, protocol)
        if name in start:
            # The gradient ratio is measured at the starting weight.
            overrides['model'] = {WEIGHT_KEY: start[name]}
        return inheriting_config(
            osp.join(tune_dir, 'configs', f'{name}_val_split.py'),
            scheduled, overrides)

    alone = held_out(ALONE, comparison.student)
    val_configs = {m: held_out(m, c) for m, c in configs.items()}
    ratios = {
        m: gradient_ratio(m, c, tuning, protocol.seed)
        for m, c in val_configs.items()
    }
    candidates = {
        m: candidate_weights(r, start[m])
        for m, r in ratios.items()
    }
    tune_runs = [StudyRun(ALONE, alone, [], protocol.seed)] + [
        StudyRun(
            tuned_variant(m, w), val_configs[m],
            comparison.teacher_option() + [f'model.{WEIGHT_KEY}={w!r}'],
            protocol.seed) for m in configs for w in candidates[m]
    ]
    # A candidate whose training fails (KD-SVD at its reference weight
    # drives the student to non-finite features) is ranked below every
    # other; the student alone must run, and one candidate per method.
    failed: Dict[str, str] = {}
    results = run_study(tune_runs, tuning.settings, jobs, failed)
    if ALONE not in results:
        raise ToolRunError('the student alone failed on the tuning split:\n'
                           + '\n'.join(failed.values()))
    records = {ALONE: dict(val={1.0: results[ALONE][protocol.seed]})}
    tuned = {}
    for method, config in configs.items():
        runs_of = {w: results.get(tuned_variant(method, w), {})
                   for w in candidates[method]}
        val = {w: r[protocol.seed] for w, r in runs_of.items() if r}
        if not val:
            raise ToolRunError(f'every candidate of {method} failed:\n' +
                               '\n'.join(failed.values()))
        chosen = choose_weight(val, start[method])
        records[method] = dict(
            ratio=ratios[method],
            val=val,
            failed=[w for w, r in runs_of.items() if not r],
            chosen=chosen)
        tuned[method] = osp.join(work_dir, 'tuned_configs',
                                 osp.basename(config))
        write_tuned_config(tuned[method], config, chosen, protocol,
                           comparison.schedule.describe())
    return tuned, write_tuning(tune_dir, records)


def labelled(results: dict, configs: Dict[str, str]) -> dict:
    """The results with each tuned method labelled by its chosen weight,
    e.g. ``kd ×0.052``."""
    weights = {
        method: configured_weight(config)
        for method, config in configs.items()
    }
    return {
        name if name not in weights else f'{name} ×{weights[name]:g}': runs
        for name, runs in results.items()
    }
