"""`make demo`: the main job end to end on built-in synthetic data.

Writes a small synthetic SIRST-like dataset, trains DNANet num4 on it with
``tools/train.py``, evaluates the checkpoint with ``tools/test.py`` (IoU,
nIoU, Pd, Fa) and saves prediction overlays as PNG. Every step is the
command a user would type; they are printed before they run.
"""
import argparse
import glob
import json
import os.path as osp
import subprocess
import sys
from typing import Dict, List

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEMO_CONFIG = 'configs/demo/dnanet_num4_synthetic.py'
METRIC_KEYS = ('IoU', 'nIoU', 'Pd', 'Fa_1e-6')


def run(command: List[str]) -> None:
    """Print and run a command from the repository root; stop on failure."""
    print('\n$ ' + ' '.join(command), flush=True)
    subprocess.run(command, cwd=REPO_ROOT, check=True)


def train_and_test(config: str, work_dir: str, data_root: str) -> Dict:
    """Train ``config`` into ``work_dir``, test its last checkpoint.

    Returns:
        dict: The test metrics.
    """
    run([sys.executable, 'tools/train.py', config, '--work-dir', work_dir,
         '--data-root', data_root])
    checkpoints = sorted(
        glob.glob(osp.join(REPO_ROOT, work_dir, 'iter_*.pth')))
    if not checkpoints:
        raise FileNotFoundError(f'training wrote no checkpoint in {work_dir}')
    metrics_file = osp.join(work_dir, 'test_metrics.json')
    run([sys.executable, 'tools/test.py', config, checkpoints[-1],
         '--work-dir', work_dir, '--data-root', data_root,
         '--show-dir', 'overlays', '--metrics-out', metrics_file])
    with open(osp.join(REPO_ROOT, metrics_file), encoding='utf-8') as f:
        return json.load(f)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--work-dir', default='work_dirs/demo')
    args = parser.parse_args()
    data_root = osp.join(args.work_dir, 'data')

    run([sys.executable, 'tools/misc/make_synthetic_sirst.py', data_root,
         '--num-train', '64', '--num-test', '16', '--size', '128',
         '--seed', '0'])
    student_dir = osp.join(args.work_dir, 'dnanet_num4')
    metrics = train_and_test(DEMO_CONFIG, student_dir, data_root)

    overlays = glob.glob(
        osp.join(REPO_ROOT, student_dir, 'overlays', '**', '*.png'),
        recursive=True)
    print('\n' + '=' * 60)
    print('DNANet num4 on synthetic SIRST (test split, original size):')
    print('  ' + '  '.join(f'{k} {metrics[k]:.2f}' for k in METRIC_KEYS))
    print(f'  {len(overlays)} overlays (ground truth | prediction) '
          f'under {student_dir}/overlays')
    print('=' * 60)


if __name__ == '__main__':
    main()
