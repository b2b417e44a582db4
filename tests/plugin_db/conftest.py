"""Fixtures for the database tests of the pytest plugin: packs and a recorder conftest
in each pytester folder, and runs without unrelated slow plugins.

The test modules enable ``pytester`` themselves: ``pytest_plugins`` is refused in a
conftest.py that is not the top-level one.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from plugin_db_kit import EXAMPLES, QUIET_PLUGINS, RECORDER


@pytest.fixture(autouse=True)
def quiet_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every run without two unrelated plugins that cost over a second of start-up each."""
    monkeypatch.setenv("PYTEST_ADDOPTS", " ".join(QUIET_PLUGINS))


@pytest.fixture
def packs(pytester: pytest.Pytester) -> Path:
    """``packs/acme``, ``packs/legacy_ops`` and ``packs/broken`` from the examples, an
    empty ini (the pytester folder is the rootdir) and the outcome recorder."""
    target = pytester.path / "packs"
    for name in ("acme", "legacy_ops", "broken"):
        if not (EXAMPLES / name / "pack.yaml").is_file():
            pytest.fail(f"the example pack {name} is missing at {EXAMPLES / name}")
        shutil.copytree(EXAMPLES / name, target / name)
    pytester.makeini("[pytest]\n")
    pytester.makeconftest(RECORDER)
    return target
