"""Safe checkpoint loading for every mmengine load in a process with mmdsad.

Every checkpoint, local or remote, is loaded with ``torch.load(...,
weights_only=True)``. A full mmengine training checkpoint (optimizer state,
message hub, numpy values in its metadata) needs a handful of classes
beyond tensors: they are allowed by name (:func:`training_checkpoint_globals`),
so ``--resume``, testing a run's own checkpoints and converting them all
load weights-only, and nothing is ever unpickled without restriction on these
paths. A file that needs anything else (``posix.system``, say) is refused
with the globals it asks for; nothing trusts a file by the folder it lies in.

URLs and the names mmengine resolves to URLs (``torchvision://``,
``open-mmlab://``, ``mmcls://``) are downloaded to torch's hub cache and
loaded the same way. docs/security.md says what is loaded how.
"""
import io
import os
import os.path as osp
import pickle
import zipfile
from typing import Any, Callable, List, Optional

import numpy as np
import torch
from mmengine.dist import barrier, get_dist_info
from mmengine.fileio import get_file_backend
from mmengine.logging import HistoryBuffer
from mmengine.runner import checkpoint as mmengine_checkpoint
from mmengine.runner.checkpoint import CheckpointLoader

# The tool every message names for converting a checkpoint.
CONVERTER = 'tools/model_converters/to_weights_only.py'


class UnsafeCheckpointError(RuntimeError):
    """A checkpoint asks for objects that weights-only loading refuses."""


class CheckpointReadError(RuntimeError):
    """A checkpoint file is empty, truncated or not a torch checkpoint."""


def _restricted_getattr(owner: Any, name: str) -> Any:
    """``getattr`` as training checkpoints use it, and nothing else.

    mmengine's ``HistoryBuffer`` pickles its statistics methods as
    ``getattr(HistoryBuffer, 'mean')``, and some numpy objects pickle the
    same way. A free ``getattr`` would reach any attribute (``__globals__``
    included), so this one answers only for HistoryBuffer and numpy owners
    and public names.
    """
    module = getattr(owner, '__name__', '') if isinstance(
        owner, type(np)) else getattr(owner, '__module__', '')
    allowed_owner = owner is HistoryBuffer or str(module).startswith('numpy')
    if not allowed_owner or name.startswith('_'):
        raise pickle.UnpicklingError(
            f'refused getattr({owner!r}, {name!r}): only public attributes of '
            'numpy and HistoryBuffer may be looked up while loading a '
            'checkpoint')
    return getattr(owner, name)


def training_checkpoint_globals() -> List[Any]:
    """What a full mmengine / MMRazor checkpoint needs beyond tensors.

    Returns:
        list: Entries for :func:`torch.serialization.safe_globals`: numpy's
        array and scalar reconstruction, ``numpy.dtype`` and its classes,
        mmengine's ``HistoryBuffer`` and a ``getattr`` restricted to those.
    """
    dtype_classes = [
        getattr(np.dtypes, name) for name in np.dtypes.__all__
        if isinstance(getattr(np.dtypes, name), type)
    ]
    multiarray = np._core.multiarray
    return [
        multiarray._reconstruct, multiarray.scalar, np.ndarray, np.dtype,
        *dtype_classes, bytes, HistoryBuffer,
        (_restricted_getattr, 'builtins.getattr')
    ]


def _unsafe_globals(source: Any) -> List[str]:
    """The globals ``source`` asks for that the allow-list does not hold."""
    allowed = {
        f'{g.__module__}.{g.__qualname__}'
        for g in training_checkpoint_globals() if not isinstance(g, tuple)
    }
    allowed.add('builtins.getattr')
    try:
        found = torch.serialization.get_unsafe_globals_in_checkpoint(source)
    except Exception:  # a legacy (non-zip) file: the error message says why
        return []
    return [name for name in found if name not in allowed]


def _first_line(err: BaseException) -> str:
    return (str(err).splitlines() or ['no message'])[0]


def load_weights_only(source: Any, name: str, map_location=None) -> Any:
    """``torch.load`` weights-only with :func:`training_checkpoint_globals`.

    Args:
        source (str | file-like): The checkpoint.
        name (str): How to call it in errors (its path or URL).
        map_location: As in ``torch.load``.

    Returns:
        The loaded object.

    Raises:
        UnsafeCheckpointError: It asks for other objects; the message names
            them, the file and the converter.
        CheckpointReadError: It is empty, truncated or not a checkpoint.
    """
    try:
        with torch.serialization.safe_globals(training_checkpoint_globals()):
            return torch.load(
                source, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        if hasattr(source, 'seek'):
            source.seek(0)
        unsafe = _unsafe_globals(source)
        asked = (f' It asks for {", ".join(unsafe)}.' if unsafe else '')
        raise UnsafeCheckpointError(
            f'{name} is not a weights-only checkpoint: loading it would '
            'unpickle objects that can run code, so mmdsad refuses.'
            f'{asked} Only if you trust where it came from, convert it once '
            f'with `python {CONVERTER} {name} <out.pth>` (it names what it '
            'would need and asks for --unsafe-allow-code-execution) and load '
            f'the result. ({_first_line(err)})') from None
    except (EOFError, zipfile.BadZipFile, RuntimeError) as err:
        raise CheckpointReadError(
            f'{name} cannot be read as a torch checkpoint (empty, truncated '
            'or another format, e.g. ONNX): re-download or re-save it. '
            f'({type(err).__name__}: {_first_line(err)})') from None


def load_checkpoint_file(filename: str,
                         map_location=None,
                         logger: Optional[str] = 'current') -> Any:
    """Load a local checkpoint weights-only.

    Args:
        filename (str): Path of the checkpoint.
        map_location: As in ``torch.load``.
        logger (str, optional): Unused; mmengine's loader signature.

    Returns:
        The loaded checkpoint.

    Raises:
        FileNotFoundError: The file does not exist.
        UnsafeCheckpointError, CheckpointReadError: See
            :func:`load_weights_only`.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename} does not exist')
    return load_weights_only(filename, filename, map_location)


def load_from_http(url: str, map_location=None) -> Any:
    """Download ``url`` to torch's hub cache and load it weights-only.

    In a distributed run local rank 0 downloads first, as mmengine does.

    Args:
        url (str): ``http://`` or ``https://`` address.
        map_location: As in ``torch.load``.

    Returns:
        The loaded checkpoint.
    """
    cached = osp.join(torch.hub.get_dir(), 'checkpoints',
                      osp.basename(url.split('?')[0]))

    def download() -> None:
        if not osp.isfile(cached):
            os.makedirs(osp.dirname(cached), exist_ok=True)
            torch.hub.download_url_to_file(url, cached, progress=False)

    rank, world_size = get_dist_info()
    if rank == 0:
        download()
    if world_size > 1:
        barrier()
        download()
    return load_weights_only(cached, f'{url} (cached as {cached})',
                             map_location)


def _through_url(resolve: Callable[[str], str]) -> Callable:
    """A scheme loader that resolves a name to a URL or a local file."""

    def loader(filename: str, map_location=None) -> Any:
        target = resolve(filename)
        if target.startswith(('http://', 'https://')):
            return load_from_http(target, map_location)
        return load_checkpoint_file(target, map_location)

    loader.__name__ = f'load_from_{resolve.__name__}'
    return loader


def torchvision(filename: str) -> str:
    """``torchvision://name`` (or ``modelzoo://``) to its URL."""
    return mmengine_checkpoint.get_torchvision_models()[
        filename.split('://', 1)[1]]


def openmmlab(filename: str) -> str:
    """``open-mmlab://name`` (or ``openmmlab://``) to its URL or file."""
    name = filename.split('://', 1)[1]
    name = mmengine_checkpoint.get_deprecated_model_names().get(name, name)
    url = mmengine_checkpoint.get_external_models()[name]
    if url.startswith(('http://', 'https://')):
        return url
    return osp.join(mmengine_checkpoint._get_mmengine_home(), url)


def mmcls(filename: str) -> str:
    """``mmcls://name`` to its URL."""
    return mmengine_checkpoint.get_mmcls_models()[filename.split('://', 1)[1]]


def load_from_mmcls(filename: str, map_location=None) -> Any:
    """``mmcls://`` as mmengine loads it (keys renamed), weights-only."""
    checkpoint = _through_url(mmcls)(filename, map_location)
    return mmengine_checkpoint._process_mmcls_checkpoint(checkpoint)


def load_from_backend(filename: str, map_location=None) -> Any:
    """``s3://`` / ``petrel://`` through mmengine's file backend,
    weights-only."""
    backend = get_file_backend(filename, backend_args=dict(backend='petrel'))
    with io.BytesIO(backend.get(filename)) as buffer:
        return load_weights_only(buffer, filename, map_location)


def load_from_unknown_scheme(filename: str, map_location=None) -> Any:
    """A scheme with no weights-only path (``pavi://``, or one another
    package registered): say what to do instead."""
    raise UnsafeCheckpointError(
        f'{filename}: mmdsad has no weights-only loader for this scheme; '
        'download the file and give its local path (it is then loaded '
        'weights-only).')


def register_safe_checkpoint_loader() -> None:
    """Route every scheme of mmengine's ``CheckpointLoader`` through the
    weights-only loaders above (local files, URLs and URL names)."""
    schemes = {
        '': load_checkpoint_file,
        ('http://', 'https://'): load_from_http,
        ('modelzoo://', 'torchvision://'): _through_url(torchvision),
        ('open-mmlab://', 'openmmlab://'): _through_url(openmmlab),
        'mmcls://': load_from_mmcls,
        (r'(\S+\:)?s3://', r'(\S+\:)?petrel://'): load_from_backend,
    }
    for prefixes, loader in schemes.items():
        CheckpointLoader.register_scheme(
            prefixes=prefixes, loader=loader, force=True)
    ours = set(schemes.values())
    for prefix, loader in list(CheckpointLoader._schemes.items()):
        if loader not in ours:
            CheckpointLoader.register_scheme(
                prefixes=prefix, loader=load_from_unknown_scheme, force=True)
