"""Fixtures placing packs into each pytester folder.

The test modules enable ``pytester`` themselves: ``pytest_plugins`` is refused in a
conftest.py that is not the top-level one.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from attune_plugin_kit import EXAMPLES, FILES, QUIET_PLUGINS, TOOLS_FILES, write_pack


@pytest.fixture(scope="session", autouse=True)
def linter_loaded(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Import the whole linter here, once, before any in-process pytester run.

    ``pytester.runpytest`` (in-process) forgets the modules a run imported when it ends;
    libyaml's C extension cannot be imported twice and would go on building nodes of the
    first run's ``yaml.nodes`` classes, which the next run's loader no longer recognises.
    Modules the outer process already holds are kept, so every run shares one copy.
    """
    from attune_lint.run.runner import lint

    try:
        import attune_lint.settings.file  # noqa: F401 - lazily imported by the plugin
    except ModuleNotFoundError:
        pass
    lint([write_pack(tmp_path_factory.mktemp("warm") / "shop", FILES)])


@pytest.fixture(autouse=True)
def quiet_plugins(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every run (in-process or subprocess) without two unrelated plugins of this
    environment: each costs over a second of start-up per run (pytester forgets the
    modules a run imported, so an in-process run pays it again every time)."""
    monkeypatch.setenv("PYTEST_ADDOPTS", " ".join(QUIET_PLUGINS))


@pytest.fixture
def shop(pytester: pytest.Pytester) -> Path:
    """``packs/shop`` (``attune_plugin_kit.FILES``) and ``packs/tools`` (one clean workflow)."""
    write_pack(pytester.path / "packs" / "tools", TOOLS_FILES)
    return write_pack(pytester.path / "packs" / "shop")


@pytest.fixture
def example_packs(pytester: pytest.Pytester) -> Path:
    """The project's example packs copied to ``packs/`` of the pytester folder."""
    if not (EXAMPLES / "acme" / "pack.yaml").is_file():
        pytest.fail(f"the example packs are missing ({EXAMPLES})")
    target = pytester.path / "packs"
    shutil.copytree(EXAMPLES, target)
    return target
