"""Closest-name suggestions for a misspelt module (or other) name."""
import difflib
from typing import Iterable, List

NUM_SUGGESTIONS = 5
# Loose enough for dotted module paths that differ in a segment or two
# (``backbone.conv4_O`` -> ``backbone.conv4_0``).
SUGGESTION_CUTOFF = 0.3


def closest_names(name: str, candidates: Iterable[str]) -> List[str]:
    """The candidates that look most like ``name``, best first.

    Args:
        name (str): The name given (e.g. a recorder's source).
        candidates (Iterable[str]): The names that exist (e.g. the
            non-empty names of ``model.named_modules()``).

    Returns:
        list[str]: Up to ``NUM_SUGGESTIONS`` names; empty when none is
        similar enough.
    """
    return difflib.get_close_matches(
        name, list(candidates), n=NUM_SUGGESTIONS, cutoff=SUGGESTION_CUTOFF)
