"""Safe checkpoint loading for every mmengine load inside mmdsad runs.

torch >= 2.6 loads with ``weights_only=True`` and mmengine 0.10.7 never says
otherwise, so a full mmengine checkpoint (optimizer, message hub, numpy
scalars in its metadata) fails with an "Unsupported global" error, while a
weights-only file (state dict plus plain metadata) loads. We keep safe
loading on, and give the two legitimate cases a way through:

* a released model or a teacher: convert it once, from a source you trust,
  with ``tools/model_converters/to_weights_only.py``; it then loads safely;
* the run's own checkpoints (``--resume``, testing what the run wrote): the
  tools mark the run's work directory as trusted, and only files inside it
  may be unpickled fully.

Safe loading is never turned off globally.
"""
import os.path as osp
import pickle
from typing import Optional, Set

import torch
from mmengine.logging import print_log
from mmengine.runner.checkpoint import CheckpointLoader

_TRUSTED_DIRS: Set[str] = set()
CONVERTER = 'tools/model_converters/to_weights_only.py'


class UnsafeCheckpointError(RuntimeError):
    """A checkpoint needs arbitrary unpickling and is not trusted."""


def trust_checkpoint_dir(directory: str) -> None:
    """Allow full unpickling of checkpoints inside ``directory``.

    Args:
        directory (str): A run's own work directory.
    """
    _TRUSTED_DIRS.add(osp.realpath(directory))


def is_trusted(filename: str) -> bool:
    """Whether ``filename`` lies inside a trusted directory."""
    path = osp.realpath(filename)
    return any(
        osp.commonpath([path, trusted]) == trusted
        for trusted in _TRUSTED_DIRS)


def load_checkpoint_file(filename: str,
                         map_location=None,
                         logger: Optional[str] = 'current') -> dict:
    """Load a local checkpoint, weights-only unless its directory is trusted.

    Args:
        filename (str): Path of the checkpoint.
        map_location: As in ``torch.load``.
        logger (str, optional): Logger for the notice on trusted loads.

    Returns:
        dict: The loaded checkpoint.

    Raises:
        FileNotFoundError: The file does not exist.
        UnsafeCheckpointError: The file is not weights-only and not inside a
            trusted directory; the message says how to convert it.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename} does not exist')
    try:
        return torch.load(
            filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        if not is_trusted(filename):
            raise UnsafeCheckpointError(
                f'{filename} is not a weights-only checkpoint: loading it '
                'would unpickle arbitrary objects, which can run code, so '
                'mmdsad refuses. If you trust its source, convert it once '
                f'with `python {CONVERTER} {filename} <out.pth>` and load '
                f'the result. ({str(err).splitlines()[0]})') from None
    print_log(
        f'{filename} is a full training checkpoint; loading it unrestricted '
        "because it lies in this run's own work directory.",
        logger=logger)
    return torch.load(filename, map_location=map_location, weights_only=False)


def register_safe_checkpoint_loader() -> None:
    """Route mmengine's loads of local files through
    :func:`load_checkpoint_file`."""
    CheckpointLoader.register_scheme(
        prefixes='', loader=load_checkpoint_file, force=True)
