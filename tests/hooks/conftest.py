"""Fixtures of the hook tests; the helpers live in hooks_testkit.py (a uniquely named module,
so that no other folder's conftest.py can shadow them)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import pytest

from hooks_testkit import Repo, clean_env, make_repo


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repo]:
    """A committed pack repository whose hooks run this checkout's attune-lint."""
    env = clean_env(tmp_path / "home", ATTUNE_LINT=f"{sys.executable} -m attune_lint")
    yield make_repo(tmp_path / "work", env)
