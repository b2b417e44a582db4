"""The copy of the shared corpus kept in tests/data is verbatim (when shared/ is beside us)."""
from __future__ import annotations

import filecmp

import pytest

from attune_testkit import SHARED_CORPUS, VENDORED_CORPUS


def test_vendored_corpus_equals_the_shared_one() -> None:
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"no shared corpus at {SHARED_CORPUS} to compare with")
    shared = sorted(p.relative_to(SHARED_CORPUS) for p in SHARED_CORPUS.rglob("*") if p.is_file())
    vendored = sorted(p.relative_to(VENDORED_CORPUS) for p in VENDORED_CORPUS.rglob("*") if p.is_file())
    assert shared == vendored
    for relative in shared:
        assert filecmp.cmp(SHARED_CORPUS / relative, VENDORED_CORPUS / relative, shallow=False), relative
