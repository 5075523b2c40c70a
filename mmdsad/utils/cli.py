"""Command-line handling shared by ``tools/train.py`` and ``tools/test.py``."""
import argparse
import os.path as osp
from typing import Optional

from mmengine.config import Config, DictAction

DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def add_config_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--work-dir``, ``--data-root``, ``--cfg-options`` and the
    launcher options to ``parser``."""
    parser.add_argument(
        '--work-dir',
        help='directory for logs and checkpoints (default: '
        './work_dirs/<config name>); checkpoints inside it are trusted as '
        "the run's own")
    parser.add_argument(
        '--data-root',
        help='dataset root (images/, masks/, split files) for every '
        'dataloader of the config')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value (e.g. '
        'train_cfg.max_epochs=10 train_dataloader.batch_size=4)')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def set_data_root(cfg: Config, data_root: str) -> None:
    """Point every dataloader's dataset at ``data_root``.

    Args:
        cfg (Config): The config, changed in place.
        data_root (str): Root of a dataset in the SIRST layout.

    Raises:
        FileNotFoundError: ``data_root`` is not a directory.
    """
    if not osp.isdir(data_root):
        raise FileNotFoundError(
            f'--data-root {data_root} is not a directory; it should hold '
            'images/, masks/ and the split files (e.g. 50_50/train.txt).')
    for name in DATALOADERS:
        loader = cfg.get(name)
        if loader is not None:
            loader.dataset.data_root = data_root


def resolve_work_dir(cfg: Config, config_path: str,
                     work_dir: Optional[str]) -> str:
    """The work directory: CLI > config > ``./work_dirs/<config name>``."""
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(config_path))[0])
    return cfg.work_dir


def load_config(args: argparse.Namespace) -> Config:
    """The config of ``args.config`` with the command line applied.

    Args:
        args (argparse.Namespace): Parsed arguments, including those of
            :func:`add_config_arguments`.

    Returns:
        Config: With options merged, data root set and ``work_dir``
        resolved.
    """
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.data_root is not None:
        set_data_root(cfg, args.data_root)
    resolve_work_dir(cfg, args.config, args.work_dir)
    return cfg
