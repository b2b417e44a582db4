"""Did-you-mean: the one place that decides which known word a misspelt one was meant to be."""
from __future__ import annotations

import difflib
from typing import Iterable

# difflib's similarity ratio a suggestion must reach. Keys, task names and file names are
# short words written by hand, where one wrong letter is the usual typo: 0.6 (difflib's own
# default) finds ``step_8`` for ``step_9``. Names inside expressions and action refs are
# longer identifiers that share prefixes and suffixes (``run_pack_tests`` and
# ``build_pack_envs`` are 0.62 alike): only a closer match is worth suggesting.
WORD_CUTOFF = 0.6
IDENTIFIER_CUTOFF = 0.7


def closest(word: object, candidates: Iterable[str], cutoff: float = WORD_CUTOFF) -> str | None:
    """The known word ``word`` most likely stands for, or None. ``-`` and ``_`` count as
    the same letter (``max-file-size`` for ``max_file_size``)."""
    if not isinstance(word, str):
        return None
    known = sorted(set(candidates))
    matches = difflib.get_close_matches(word, known, n=1, cutoff=cutoff)
    if matches:
        return matches[0]
    folded = word.replace("_", "-")
    return next((c for c in known if c.replace("_", "-") == folded), None)
