"""Config handling shared by ``tools/train.py`` and ``tools/test.py``."""
import os.path as osp
from typing import Optional

from mmengine.config import Config

DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


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
