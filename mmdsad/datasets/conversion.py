"""Helpers shared by the dataset converters (tools/dataset_converters/).

Every converter writes the common layout :class:`SIRSTDataset` reads
(``images/<id>.png``, ``masks/<id>.png`` as 0/255 L, split folders of id
lists) and refuses to write into a folder that already holds something.
"""
import re
from pathlib import Path
from typing import List, Sequence, Tuple

import numpy as np
from PIL import Image

# How many items one message lists before summarising.
MAX_LISTED = 5


def natural_key(name: str) -> Tuple:
    """Sort key ordering Misc_2 before Misc_10.

    Args:
        name (str): File name or id.

    Returns:
        tuple: Key with digit runs compared as integers.
    """
    return tuple((0, int(part)) if part.isdigit() else (1, part)
                 for part in re.split(r'(\d+)', name) if part)


def listing(items: Sequence[str]) -> str:
    """Show up to ``MAX_LISTED`` items and how many more there are.

    Args:
        items (Sequence[str]): What to list.

    Returns:
        str: The items joined by commas, long lists cut short.
    """
    shown = ', '.join(items[:MAX_LISTED])
    if len(items) > MAX_LISTED:
        shown += f', ... and {len(items) - MAX_LISTED} more'
    return shown


def read_split_ids(split_file: Path) -> List[str]:
    """Non-blank, stripped lines of a split file.

    Args:
        split_file (Path): One id per line.

    Returns:
        list[str]: The ids, in file order.
    """
    text = split_file.read_text(encoding='utf-8-sig')
    return [line.strip() for line in text.splitlines() if line.strip()]


def check_out_dir(out_path: Path, overwrite: bool) -> None:
    """Refuse an output folder that already holds something.

    Args:
        out_path (Path): Output root.
        overwrite (bool): Allow a non-empty folder.

    Raises:
        NotADirectoryError: ``out_path`` is a file.
        FileExistsError: ``out_path`` is a non-empty folder and
            ``overwrite`` is False.
    """
    if not out_path.exists():
        return
    if not out_path.is_dir():
        raise NotADirectoryError(
            f'--out-dir {out_path} is a file; pass a folder.')
    entries = sorted(p.name for p in out_path.iterdir())
    if entries and not overwrite:
        raise FileExistsError(
            f'--out-dir {out_path} is not empty (holds {listing(entries)}); '
            'converting into it would replace its split files and mix '
            'images into it. Choose a new or empty folder, or pass '
            '--overwrite to write into it anyway.')


def save_binary_mask(mask: np.ndarray, path: Path) -> None:
    """Write a 0/1 mask as the common layout's 0/255 L PNG.

    Args:
        mask (np.ndarray): H×W array, nonzero is target.
        path (Path): Output file.
    """
    Image.fromarray((np.asarray(mask) != 0).astype(np.uint8) * 255).save(path)
