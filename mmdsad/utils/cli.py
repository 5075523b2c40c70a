"""Command-line handling shared by ``tools/train.py`` and ``tools/test.py``."""
import argparse
import difflib
import glob
import inspect
import os.path as osp
from typing import Iterable, Optional

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
# Top-level keys a config may set without its base defining them: the
# runner's arguments, what it reads from the config itself (mmengine
# 0.10.7's Runner: `self.cfg.get(...)`), and keys of mmengine and mmseg
# tools.
RUNNER_KEYS = frozenset(inspect.signature(Runner.__init__).parameters) | {
    'runner_type', 'custom_imports', 'launcher', 'work_dir', 'tta_model',
    'tta_pipeline', 'model_wrapper_cfg', 'compile',
    'activation_checkpointing', 'efficient_conv_bn_eval',
    'find_unused_parameters', 'sync_bn'
}


def add_config_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--work-dir``, ``--data-root``, ``--cfg-options`` and the
    launcher options to ``parser``."""
    parser.add_argument(
        '--work-dir',
        help='directory for logs and checkpoints (default: '
        './work_dirs/<config name>)')
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
        ValueError: A dataloader reads several datasets (a
            ``ConcatDataset``), whose roots one path cannot replace.
    """
    if not osp.isdir(data_root):
        raise FileNotFoundError(
            f'--data-root {data_root} is not a directory; it should hold '
            'images/, masks/ and the split files (e.g. 50_50/train.txt).')
    for name in DATALOADERS:
        loader = cfg.get(name)
        if loader is None:
            continue
        if 'datasets' in loader.dataset:
            raise ValueError(
                f'--data-root cannot apply to {name}: it reads '
                f'{len(loader.dataset.datasets)} datasets '
                f'({loader.dataset.get("type")}). Set each one\'s root '
                f'instead, e.g. --cfg-options {name}.dataset.datasets.0.'
                'data_root=PATH.')
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

    Raises:
        KeyError: A ``--cfg-options`` key is unknown at the top level.
    """
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        check_option_keys(cfg, args.cfg_options)
        cfg.merge_from_dict(args.cfg_options)
    if args.data_root is not None:
        set_data_root(cfg, args.data_root)
    resolve_work_dir(cfg, args.config, args.work_dir)
    return cfg


def check_option_keys(cfg: Config, options: Iterable[str]) -> None:
    """Refuse a ``--cfg-options`` key whose top level nothing reads.

    mmengine merges any key, so ``laod_from=x.pth`` would be kept and
    ignored, and the run would start from scratch.

    Args:
        cfg (Config): The config the options are merged into.
        options (Iterable[str]): Dotted keys, e.g. ``model.teacher_ckpt``.

    Raises:
        KeyError: A top-level key is neither in the config nor one
            mmengine's runner reads; the message gives the closest names.
    """
    known = set(cfg.keys()) | RUNNER_KEYS
    for key in options:
        top = key.split('.', 1)[0]
        if top not in known:
            close = difflib.get_close_matches(top, sorted(known), n=3)
            hint = f'; did you mean {", ".join(close)}?' if close else ''
            raise KeyError(
                f'--cfg-options {key}: the config has no top-level key '
                f'{top!r} and the runner reads none{hint}')


def check_work_dir_is_free(work_dir: str, resume: bool,
                           overwrite: bool) -> None:
    """Refuse to train over an earlier run, or to resume nothing.

    Args:
        work_dir (str): The run's work directory.
        resume (bool): ``--resume``: the latest checkpoint must exist.
        overwrite (bool): ``--overwrite``: replacing earlier checkpoints is
            what the user asked for.

    Raises:
        FileExistsError: ``work_dir`` holds checkpoints, and neither
            ``resume`` nor ``overwrite`` is set.
        FileNotFoundError: ``resume`` is set and there is nothing to resume.
    """
    checkpoints = sorted(
        osp.basename(p) for p in glob.glob(osp.join(work_dir, '*.pth')))
    if resume:
        if not osp.isfile(osp.join(work_dir, 'last_checkpoint')):
            raise FileNotFoundError(
                f'--resume: {work_dir} has no last_checkpoint to resume '
                'from (no earlier run of this config wrote one there); '
                'train without --resume, or give the run\'s --work-dir')
        return
    if checkpoints and not overwrite:
        shown = ', '.join(checkpoints[:3]) + (' ...'
                                              if len(checkpoints) > 3 else '')
        raise FileExistsError(
            f'{work_dir} holds an earlier run\'s checkpoints ({shown}); '
            'pass --resume to continue it, --work-dir for a new run, or '
            '--overwrite to replace them')
