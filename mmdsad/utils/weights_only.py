"""Weights-only checkpoints: what teachers and released models are saved as.
"""
import os
import os.path as osp
import tempfile
from collections import OrderedDict
from typing import Any, Dict, Optional

import torch

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
        # Proof that the result is what it claims to be.
        torch.load(tmp_path, map_location='cpu', weights_only=True)
        os.replace(tmp_path, dst)
    finally:
        if osp.exists(tmp_path):
            os.remove(tmp_path)


def convert_to_weights_only(src: str,
                            dst: str,
                            strip_prefix: Optional[str] = None
                            ) -> Dict[str, int]:
    """Convert a trusted checkpoint to a weights-only one.

    Args:
        src (str): A checkpoint from a trusted source; it is fully unpickled.
        dst (str): Output path.
        strip_prefix (str, optional): Keep only keys starting with it, with
            the prefix removed.

    Returns:
        dict: ``num_tensors`` and ``num_params`` written.

    Raises:
        FileNotFoundError: ``src`` does not exist.
        KeyError: No key of the state dict starts with ``strip_prefix``.
    """
    if not osp.isfile(src):
        raise FileNotFoundError(f'checkpoint {src} does not exist')
    # The user vouches for ``src`` by running this tool on it.
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
    meta = dict(meta, converted_from=osp.basename(src))
    save_weights_only(state_dict, meta, dst)
    return dict(
        num_tensors=len(state_dict),
        num_params=sum(v.numel() for v in state_dict.values()))
