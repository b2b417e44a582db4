"""Pause Python's cyclic garbage collector while a run builds its trees.

A run holds every file's positioned tree at once (hundreds of thousands of small objects,
none in a reference cycle): the collector then rescans that growing heap again and again,
which measured at almost half of a full check. Reference counting still frees everything;
the collector's state is restored on exit, so callers (pytest, library users) see no change.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
