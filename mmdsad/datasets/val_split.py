"""A validation split carved from a training split, the same everywhere."""
import hashlib
from typing import List, Sequence, Tuple

VAL_SPLIT_SUBSETS = ('train', 'val')


def carve_val_split(ids: Sequence[str], fraction: float,
                    seed: int) -> Tuple[List[str], List[str]]:
    """Split training ids into the ids trained on and held-out ids.

    Each id is ranked by the SHA-256 of ``'<seed>/<id>'`` and the
    ``round(fraction * len(ids))`` lowest (at least one, and at least one
    id left to train on) are held out. The split therefore depends only on
    the ids, the fraction and the seed: not on the order of the split file,
    the Python version, the machine or any random state.

    Args:
        ids (Sequence[str]): The training split's ids (distinct).
        fraction (float): Share held out, in (0, 1).
        seed (int): Which of the possible splits.

    Returns:
        tuple[list[str], list[str]]: The ids kept for training and the
        held-out ids, each in the order of ``ids``.

    Raises:
        ValueError: ``fraction`` is not in (0, 1), the ids repeat, or there
            are fewer than two.
    """
    if not 0 < fraction < 1:
        raise ValueError(
            f'val_split fraction must be in (0, 1), got {fraction}')
    if len(set(ids)) != len(ids):
        raise ValueError('val_split needs distinct ids; the split file '
                         'repeats some')
    if len(ids) < 2:
        raise ValueError(f'val_split needs at least 2 training ids, got '
                         f'{len(ids)}')
    num_val = min(max(round(fraction * len(ids)), 1), len(ids) - 1)

    def rank(img_id: str) -> str:
        return hashlib.sha256(f'{seed}/{img_id}'.encode()).hexdigest()

    held_out = set(sorted(ids, key=rank)[:num_val])
    return ([i for i in ids if i not in held_out],
            [i for i in ids if i in held_out])
