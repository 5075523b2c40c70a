"""`make demo`: DSAD, the main job, end to end on built-in synthetic data.

1. write a small synthetic SIRST-like dataset;
2. train the DNANet num16 teacher and convert its checkpoint to a
   weights-only file (the safe format a teacher is loaded from);
3. train the num4 student alone, as the baseline;
4. distil the teacher into a num4 student with DSAD;
5. export the distilled student without the ``architecture.`` prefix and
   evaluate teacher, baseline and distilled student with tools/test.py
   (IoU, nIoU, Pd, Fa), drawing the distilled student's predictions.

Every step is the command a user would type; each is printed before it
runs. The schedules are short (configs/_base_/schedules/demo_iters.py): the
figures show the job working, not the paper's numbers.
"""
import argparse
import glob
import json
import os.path as osp
import subprocess
import sys
from typing import Dict, List, Optional

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TEACHER_CONFIG = 'configs/demo/dnanet_num16_synthetic.py'
STUDENT_CONFIG = 'configs/demo/dnanet_num4_synthetic.py'
DSAD_CONFIG = 'configs/demo/dsad_dnanet_num16_num4_synthetic.py'
METRIC_KEYS = ('IoU', 'nIoU', 'Pd', 'Fa_1e-6')


def run(command: List[str]) -> None:
    """Print and run a command from the repository root; stop on failure."""
    print('\n$ ' + ' '.join(command), flush=True)
    subprocess.run(command, cwd=REPO_ROOT, check=True)


def python(script: str, *args: str) -> None:
    """Run one of the repository's Python tools."""
    run([sys.executable, script, *args])


def last_checkpoint(work_dir: str) -> str:
    """The newest ``iter_*.pth`` that training wrote into ``work_dir``."""
    found = glob.glob(osp.join(REPO_ROOT, work_dir, 'iter_*.pth'))
    if not found:
        raise FileNotFoundError(f'training wrote no checkpoint in {work_dir}')
    newest = max(found, key=lambda p: int(p.rsplit('_', 1)[1][:-4]))
    return osp.relpath(newest, REPO_ROOT)


def train(config: str, work_dir: str, data_root: str,
          *cfg_options: str) -> str:
    """Train ``config`` into ``work_dir``; return its last checkpoint."""
    options = ['--cfg-options', *cfg_options] if cfg_options else []
    python('tools/train.py', config, '--work-dir', work_dir, '--data-root',
           data_root, *options)
    return last_checkpoint(work_dir)


def test(config: str, checkpoint: str, work_dir: str, data_root: str,
         show_dir: Optional[str] = None) -> Dict[str, float]:
    """Evaluate ``checkpoint`` with tools/test.py; return its metrics."""
    metrics_file = osp.join(work_dir, 'test_metrics.json')
    show = ['--show-dir', show_dir] if show_dir else []
    python('tools/test.py', config, checkpoint, '--work-dir', work_dir,
           '--data-root', data_root, '--metrics-out', metrics_file, *show)
    with open(osp.join(REPO_ROOT, metrics_file), encoding='utf-8') as f:
        return json.load(f)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--work-dir', default='work_dirs/demo')
    args = parser.parse_args()
    root = args.work_dir
    data_root = osp.join(root, 'data')
    python('tools/misc/make_synthetic_sirst.py', data_root, '--num-train',
           '64', '--num-test', '16', '--size', '64', '--seed', '0')

    teacher_dir = osp.join(root, 'teacher')
    teacher_weights = osp.join(teacher_dir, 'teacher_weights.pth')
    python('tools/model_converters/to_weights_only.py',
           train(TEACHER_CONFIG, teacher_dir, data_root), teacher_weights)

    baseline_dir = osp.join(root, 'student_alone')
    baseline = train(STUDENT_CONFIG, baseline_dir, data_root)

    dsad_dir = osp.join(root, 'dsad')
    student_weights = osp.join(dsad_dir, 'student_weights.pth')
    python('tools/model_converters/to_weights_only.py',
           train(DSAD_CONFIG, dsad_dir, data_root,
                 f'model.teacher_ckpt={teacher_weights}'), student_weights,
           '--strip-prefix', 'architecture.')

    results = {
        'DNANet num16 (teacher)':
        test(TEACHER_CONFIG, teacher_weights, teacher_dir, data_root),
        'DNANet num4 alone':
        test(STUDENT_CONFIG, baseline, baseline_dir, data_root),
        'DNANet num4 + DSAD':
        test(STUDENT_CONFIG, student_weights, dsad_dir, data_root,
             'overlays'),
    }
    overlays = glob.glob(
        osp.join(REPO_ROOT, dsad_dir, 'overlays', '**', '*.png'),
        recursive=True)
    print('\n' + '=' * 72)
    print('Synthetic SIRST test split, original size, threshold 0.5 '
          '(short demo schedule)')
    print(f'{"model":26s}' + ''.join(f'{k:>11s}' for k in METRIC_KEYS))
    for name, metrics in results.items():
        print(f'{name:26s}' + ''.join(f'{metrics[k]:11.2f}'
                                      for k in METRIC_KEYS))
    print(f'Distilled student: {student_weights} (loads with '
          f'{STUDENT_CONFIG}); {len(overlays)} overlays (ground truth | '
          f'prediction) under {dsad_dir}/overlays')
    print('=' * 72)


if __name__ == '__main__':
    main()
