"""`make demo`: DSAD, the main job, end to end on built-in synthetic data.

1. write a synthetic SIRST-like dataset with dim targets and clutter;
2. train the DNANet teacher and convert its checkpoint to a weights-only
   file (the safe format a teacher is loaded from);
3. train the num4 student alone, as the baseline;
4. distil the teacher into a num4 student with DSAD;
5. export the distilled student without the ``architecture.`` prefix and
   test teacher, baseline and distilled student with tools/test.py at
   threshold 0.5 and over thresholds 0.05-0.95, drawing the distilled
   student's predictions.

Every step is the command a user would type: it is printed, its full log
goes to a file in the step's work directory, and a progress bar follows
it. The table and ``summary.json`` (per model: IoU, nIoU, Pd, Fa_1e-6 and
the IoU sweep) end the run. The schedules are short (configs/demo/): the
figures show the job working, not the paper's numbers.

The steps run in two lanes, each process with half the CPU's threads:
the teacher, DSAD and their tests in one, the student alone and its test
beside them (it needs no teacher). On the demo's small batches one
process barely gains from a second thread, while two processes of one
thread each run at nearly full speed (docs/results.md), so the student
alone costs almost no wall time. Training validates nothing at its end:
every model is tested right after.
"""
import argparse
import glob
import json
import os
import os.path as osp
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Dict, List

from mmdsad_experiments.tool_runs import (
    SWEEP_KEY,
    SWEEP_THRESHOLDS,
    add_sweep_mean,
    last_checkpoint,
    progress_bar,
    run_logged,
    sweep_option,
)

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TEACHER_CONFIG = 'configs/demo/dnanet_num16_synthetic.py'
STUDENT_CONFIG = 'configs/demo/dnanet_num4_synthetic.py'
DSAD_CONFIG = 'configs/demo/dsad_dnanet_num16_num4_synthetic.py'
METRIC_KEYS = ('IoU', 'nIoU', 'Pd', 'Fa_1e-6')
# The demo's data: frames large enough that DNANet's deepest stage
# (1/16 size) is 8x8 (6x6 on the 96x96 training crops), targets near the
# noise floor, clutter.
FRAME_SIZE = 128
NUM_TRAIN = 96
NUM_TEST = 32
DATA_SEED = 0
SCALE_NOTE = (
    'Demo scale (not the paper\'s): {frames}x{frames} synthetic frames '
    '({train} train / {test} test), 96x96 crops in batches of 4, DNANet '
    'num16 teacher trained from scratch for 500 iterations and num4 '
    'students for 300, with a 50-iteration learning-rate warm-up, on the '
    'CPU (the paper: 256x256 crops, batch 16, 1500 epochs, no warm-up). '
    'Two lanes of {threads} thread(s) each. Full logs go to each step\'s '
    'directory under {root}.')
# The demo tests every model after training, so training validates nothing.
NO_VALIDATION = ('val_cfg=None', 'val_dataloader=None', 'val_evaluator=None',
                 'default_hooks.checkpoint.save_best=None')
# Columns of the threshold-free view printed after the table.
SHOWN_THRESHOLDS = SWEEP_THRESHOLDS[::2]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--work-dir', default='work_dirs/demo')
    parser.add_argument(
        '--seed',
        type=int,
        default=0,
        help='training seed of the teacher and both students (the data '
        'stay the same)')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='replace an earlier demo in --work-dir (refused otherwise; '
        '`make clean-demo` removes it)')
    return parser.parse_args()


class Lanes:
    """What the demo's parallel runs share: the bars, the threads per
    process, and the event that stops every run once one has failed."""

    def __init__(self, threads: int) -> None:
        self.progress = progress_bar()
        self.env = dict(OMP_NUM_THREADS=str(threads))
        self.failed = threading.Event()
        self.first_error: BaseException = None


# Set by main(): the lanes, and from --overwrite the flag passed to every
# tool that would refuse to replace what an earlier demo wrote.
LANES = Lanes(threads=1)
OVERWRITE: List[str] = []


def tool(script: str, args: List[str], log_file: str,
         description: str) -> None:
    """Print a repository tool's command line and run it, logged."""
    command = [sys.executable, script, *args]
    print('$ ' + ' '.join(command), flush=True)
    try:
        run_logged(
            command,
            log_file,
            description,
            cwd=REPO_ROOT,
            env=LANES.env,
            progress=LANES.progress,
            stop=LANES.failed)
    except BaseException as error:
        if not LANES.failed.is_set():
            LANES.first_error = error
            LANES.failed.set()
        raise


def train(config: str, work_dir: str, data_root: str, seed: int,
          description: str, *cfg_options: str) -> str:
    """Train ``config`` into ``work_dir``; return its last checkpoint."""
    tool('tools/train.py', [
        config, '--work-dir', work_dir, '--data-root', data_root,
        *OVERWRITE, '--cfg-options', f'randomness.seed={seed}',
        *NO_VALIDATION, *cfg_options
    ], osp.join(work_dir, 'train.log'), description)
    return last_checkpoint(work_dir)


def test(config: str, checkpoint: str, work_dir: str, data_root: str,
         description: str, *extra: str) -> Dict[str, float]:
    """Test ``checkpoint`` at 0.5 and over the sweep; return its metrics."""
    metrics_file = osp.join(work_dir, 'test_metrics.json')
    tool('tools/test.py', [
        config, checkpoint, '--work-dir', work_dir, '--data-root',
        data_root, '--metrics-out', metrics_file, *OVERWRITE, *extra,
        '--cfg-options',
        sweep_option()
    ], osp.join(work_dir, 'test.log'), description)
    with open(metrics_file, encoding='utf-8') as f:
        return add_sweep_mean(json.load(f))


def print_summary(results: Dict[str, Dict[str, float]]) -> None:
    """The table at threshold 0.5, then IoU over thresholds per model."""
    width = max(len(name) for name in results) + 2
    print('\n' + '=' * 78)
    print('Synthetic test split, original size, threshold 0.5')
    print(f'{"model":{width}s}' + ''.join(f'{k:>10s}' for k in METRIC_KEYS))
    for name, metrics in results.items():
        print(f'{name:{width}s}' + ''.join(f'{metrics[k]:10.2f}'
                                           for k in METRIC_KEYS))
    print('\nIoU over thresholds (threshold-free view; "mean" over all of '
          f'{SWEEP_THRESHOLDS[0]:g}, {SWEEP_THRESHOLDS[1]:g}, ..., '
          f'{SWEEP_THRESHOLDS[-1]:g})')
    print(f'{"model":{width}s}' +
          ''.join(f'{t:>6.2f}' for t in SHOWN_THRESHOLDS) + '    mean')
    for name, metrics in results.items():
        print(f'{name:{width}s}' +
              ''.join(f'{metrics[f"IoU@{t:.2f}"]:6.1f}'
                      for t in SHOWN_THRESHOLDS) +
              f'{metrics[SWEEP_KEY]:8.2f}')


def student_alone(root: str, data_root: str, seed: int) -> Dict[str, float]:
    """The second lane: train and test the student without a teacher."""
    baseline_dir = osp.join(root, 'student_alone')
    baseline = train(STUDENT_CONFIG, baseline_dir, data_root, seed,
                     '3/5 student num4 alone')
    return test(STUDENT_CONFIG, baseline, baseline_dir, data_root,
                '    test student alone')


def run_lanes(root: str, data_root: str, seed: int) -> Dict[str, Dict]:
    """Every step of the demo in its two lanes; the metrics per model."""
    teacher_dir = osp.join(root, 'teacher')
    teacher_weights = osp.join(teacher_dir, 'teacher_weights.pth')
    dsad_dir = osp.join(root, 'dsad')
    student_weights = osp.join(dsad_dir, 'student_weights.pth')
    # One worker: with the main thread's lane, two runs at a time.
    with LANES.progress, ThreadPoolExecutor(1) as second_lane:
        tool('tools/misc/make_synthetic_sirst.py', [
            data_root, '--num-train', str(NUM_TRAIN), '--num-test',
            str(NUM_TEST), '--size', str(FRAME_SIZE), '--seed',
            str(DATA_SEED)
        ], osp.join(root, 'data.log'), '1/5 synthetic data')
        alone: Future = second_lane.submit(student_alone, root, data_root,
                                           seed)
        teacher_ckpt = train(TEACHER_CONFIG, teacher_dir, data_root,
                             seed, '2/5 teacher DNANet num16')
        tool('tools/model_converters/to_weights_only.py',
             [teacher_ckpt, teacher_weights, *OVERWRITE],
             osp.join(teacher_dir, 'convert.log'),
             '    teacher to weights-only')
        teacher_test: Future = second_lane.submit(
            test, TEACHER_CONFIG, teacher_weights, teacher_dir, data_root,
            '    test teacher')
        distilled = train(DSAD_CONFIG, dsad_dir, data_root, seed,
                          '4/5 student num4 + DSAD',
                          f'model.teacher_ckpt={teacher_weights}')
        tool('tools/model_converters/to_weights_only.py', [
            distilled, student_weights, '--strip-prefix', 'architecture.',
            *OVERWRITE
        ], osp.join(dsad_dir, 'export.log'), '5/5 export the DSAD student')
        dsad = test(STUDENT_CONFIG, student_weights, dsad_dir, data_root,
                    '    test DSAD student', '--show-dir', 'overlays')
        results = {
            'DNANet num16 (teacher)': teacher_test.result(),
            'DNANet num4 alone': alone.result(),
            'DNANet num4 + DSAD': dsad,
        }
    return results


def main() -> None:
    global LANES
    args = parse_args()
    root = args.work_dir
    if osp.isdir(root) and os.listdir(root) and not args.overwrite:
        sys.exit(f'{root} holds an earlier demo; `make clean-demo` removes '
                 'it, or pass --overwrite (or another --work-dir)')
    if args.overwrite:
        OVERWRITE.append('--overwrite')
    threads = max(1, (os.cpu_count() or 2) // 2)
    LANES = Lanes(threads)
    os.makedirs(root, exist_ok=True)
    print(SCALE_NOTE.format(
        frames=FRAME_SIZE, train=NUM_TRAIN, test=NUM_TEST, threads=threads,
        root=root))
    data_root = osp.join(root, 'data')
    try:
        results = run_lanes(root, data_root, args.seed)
    except BaseException:
        # A run stopped because the other lane failed: report that failure.
        if LANES.first_error is not None:
            raise LANES.first_error from None
        raise
    summary_file = osp.join(root, 'summary.json')
    with open(summary_file, 'w', encoding='utf-8') as f:
        json.dump(
            dict(
                seed=args.seed,
                models={
                    name: {k: metrics[k]
                           for k in METRIC_KEYS + (SWEEP_KEY, )}
                    for name, metrics in results.items()
                }),
            f,
            indent=2)
    dsad_dir = osp.join(root, 'dsad')
    student_weights = osp.join(dsad_dir, 'student_weights.pth')
    overlays = glob.glob(
        osp.join(dsad_dir, 'overlays', '**', '*.png'), recursive=True)
    print_summary(results)
    print(f'\nDistilled student: {student_weights} (loads with '
          f'{STUDENT_CONFIG}); {len(overlays)} overlays (ground truth | '
          f'prediction) under {dsad_dir}/overlays; metrics in '
          f'{summary_file}')
    print('=' * 78)


if __name__ == '__main__':
    main()
