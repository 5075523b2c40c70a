"""Weights-only checkpoints: what teachers and released models are saved as.
"""
import os
import os.path as osp
import tempfile
import warnings
from collections import OrderedDict
from typing import Any, Dict, Optional

import torch

from .checkpoint import UnsafeCheckpointError, load_checkpoint_file

PLAIN_TYPES = (str, int, float, bool, type(None))


def plain_metadata(value: Any) -> Any:
    """Keep only what weights-only loading accepts: plain Python values.

    Dicts, lists and tuples are walked; numpy scalars become Python numbers;
    anything else (objects, arrays, classes) is dropped.

    Args:
        value: Metadata of any structure.

    Returns:
        The plain part of ``value``, or None if nothing plain remains.
    """
    if isinstance(value, PLAIN_TYPES):
        return value
    if hasattr(value, 'item') and getattr(value, 'ndim', None) == 0:
        return value.item()
    if isinstance(value, dict):
        plain = {str(k): plain_metadata(v) for k, v in value.items()}
        return {k: v for k, v in plain.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [plain_metadata(v) for v in value]
    return None


def save_weights_only(state_dict: Dict[str, torch.Tensor], meta: dict,
                      dst: str) -> None:
    """Write ``{'state_dict', 'meta'}`` atomically: no half-written file.

    Args:
        state_dict (dict[str, Tensor]): Weights.
        meta (dict): Metadata, reduced to plain values.
        dst (str): Output path.
    """
    out_dir = osp.dirname(osp.abspath(dst))
    os.makedirs(out_dir, exist_ok=True)
    checkpoint = dict(
        state_dict=OrderedDict(
            (k, v.detach().cpu()) for k, v in state_dict.items()),
        meta=plain_metadata(meta) or {})
    fd, tmp_path = tempfile.mkstemp(dir=out_dir, suffix='.pth.tmp')
    os.close(fd)
    try:
        torch.save(checkpoint, tmp_path)
        # mkstemp's 0600 would make the result private; use the umask's mode.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)
        with open(tmp_path, 'rb') as f:
            os.fsync(f.fileno())
        # Proof that the result is what it claims to be.
        torch.load(tmp_path, map_location='cpu', weights_only=True)
        os.replace(tmp_path, dst)
    finally:
        if osp.exists(tmp_path):
            os.remove(tmp_path)


def convert_to_weights_only(src: str,
                            dst: str,
                            strip_prefix: Optional[str] = None,
                            allow_code_execution: bool = False,
                            overwrite: bool = False) -> Dict[str, int]:
    """Convert a checkpoint to a weights-only one.

    ``src`` is read weights-only with the allow-list of a training
    checkpoint (:func:`mmdsad.utils.checkpoint.training_checkpoint_globals`),
    which covers every checkpoint mmengine and MMRazor write; anything else
    is refused by name unless ``allow_code_execution`` is set.

    Args:
        src (str): The checkpoint to convert.
        dst (str): Output path, another file than ``src``.
        strip_prefix (str, optional): Keep only keys starting with it, with
            the prefix removed.
        allow_code_execution (bool): Unpickle ``src`` without restriction
            when the allow-list refuses it. Unpickling can run any code the
            file holds: only for a file whose source you trust.
        overwrite (bool): Replace an existing ``dst``.

    Returns:
        dict: ``num_tensors`` and ``num_params`` written.

    Raises:
        FileNotFoundError: ``src`` does not exist.
        FileExistsError: ``dst`` is ``src``, or exists and ``overwrite`` is
            not set.
        UnsafeCheckpointError: ``src`` needs more than the allow-list and
            ``allow_code_execution`` is not set.
        KeyError: No key of the state dict starts with ``strip_prefix``.
    """
    if not osp.isfile(src):
        raise FileNotFoundError(f'checkpoint {src} does not exist')
    if osp.exists(dst) and osp.samefile(src, dst):
        raise FileExistsError(
            f'{dst} is the checkpoint being converted: write the weights-only '
            'file under another name (the source is kept)')
    if osp.exists(dst) and not overwrite:
        raise FileExistsError(
            f'{dst} exists; choose another name or pass --overwrite')
    try:
        checkpoint = load_checkpoint_file(src, map_location='cpu')
    except UnsafeCheckpointError:
        if not allow_code_execution:
            raise
        warnings.warn(
            f'unpickling {src} without restriction '
            '(--unsafe-allow-code-execution): any code it holds runs now',
            stacklevel=2)
        checkpoint = torch.load(src, map_location='cpu', weights_only=False)
    if isinstance(checkpoint, dict) and 'state_dict' in checkpoint:
        state_dict = checkpoint['state_dict']
        meta = checkpoint.get('meta', {})
    else:
        state_dict, meta = checkpoint, {}
    if strip_prefix:
        state_dict = OrderedDict((k[len(strip_prefix):], v)
                                 for k, v in state_dict.items()
                                 if k.startswith(strip_prefix))
        if not state_dict:
            raise KeyError(f'no state-dict key of {src} starts with '
                           f'{strip_prefix!r}')
    meta = dict(meta if isinstance(meta, dict) else {},
                converted_from=osp.basename(src))
    save_weights_only(state_dict, meta, dst)
    return dict(
        num_tensors=len(state_dict),
        num_params=sum(v.numel() for v in state_dict.values()))
