"""Started by torchrun from test_dist_train.py: train a distillation config
with mmengine's pytorch launcher, then save this rank's student weights to
``<work_dir>/student_rank<k>.pth`` (the checkpoint hook saves rank 0's
only)."""
import argparse
import os.path as osp

import torch
import torch.distributed as dist
from mmengine.runner import Runner

import mmdsad  # noqa: F401  (registers everything; patches mmrazor first)
from mmdsad.utils.cli import add_config_arguments, load_config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('config')
    add_config_arguments(parser)
    args = parser.parse_args()
    runner = Runner.from_cfg(load_config(args))
    runner.train()
    student = runner.model.module.architecture
    torch.save(
        student.state_dict(),
        osp.join(runner.work_dir, f'student_rank{dist.get_rank()}.pth'))


if __name__ == '__main__':
    main()
