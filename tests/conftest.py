"""Shared fixtures: the real corpus placed in pack layouts."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from attune_testkit import CORPUS


@pytest.fixture(autouse=True)
def _no_result_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests check the code, not a cache filled by an earlier run (the cache key sees file
    contents and the tool's files, not an in-process monkeypatch). The cache's own tests
    switch it on explicitly."""
    monkeypatch.setenv("ATTUNE_LINT_NO_CACHE", "1")


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"the shared corpus is missing at {CORPUS} (set ATTUNE_CORPUS)")
    return CORPUS


@pytest.fixture
def corpus_packs(tmp_path: Path, corpus: Path) -> Path:
    """The corpus files placed in real pack layouts, as their comments ask."""
    packs = tmp_path / "packs"
    shutil.copytree(corpus / "packs" / "core", packs / "core")
    shutil.copytree(corpus / "tests" / "fixtures" / "packs" / "test_pack", packs / "test_pack")
    examples = packs / "examples" / "actions"
    (examples / "workflows").mkdir(parents=True)
    shutil.copy(corpus / "docs" / "examples" / "cache-iteration-workflow-action.yaml",
                examples / "process_cached_users.yaml")
    shutil.copy(corpus / "docs" / "examples" / "cache-iteration-workflow.workflow.yaml",
                examples / "workflows" / "process_cached_users.workflow.yaml")
    # The example calls examples.process_user_batch, an action of the pack it is meant for.
    (examples / "process_user_batch.yaml").write_text(
        "ref: examples.process_user_batch\nlabel: Process User Batch\nrunner_type: python\n"
        "entry_point: process_user_batch.py\n")
    (packs / "examples" / "pack.yaml").write_text('ref: examples\nlabel: Examples\nversion: "1.0.0"\n')
    (packs / "test_pack" / "pack.yaml").write_text('ref: test_pack\nlabel: Test Pack\nversion: "1.0.0"\n')
    return packs
