"""pytest plugin entry point (registered as ``pytest11: attune``).

Installed, this module loads in every pytest run of the environment, so it only
registers its options, markers and fixtures unless ``--attune-packs`` or the ini option
``attune_packs_enabled = true`` switches the pack checks on. The linter itself
(``attune_lint.run.runner``, PyYAML, jsonschema) is imported only when the checks are on, or
when a test asks for one of the fixtures.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Generator

import pytest

from pytest_attune.collection import STATE_KEY, AttuneSession, state_of
from pytest_attune.database import DB_KEY, AttuneDatabase
from pytest_attune.fixtures import attune_db, attune_db_dsn, attune_registrar  # noqa: F401 - registers the fixtures
from pytest_attune.fixtures import attune_lint_text, attune_packs, attune_workflow  # noqa: F401 - registers the fixtures
from pytest_attune.items import VALIDATE, AttuneFile, AttuneItem
from pytest_attune.options import add_options
from pytest_attune.register_item import REGISTER
from pytest_attune.reporting import AttuneDbReporter, AttuneReporter

MARKERS = (
    "attune: an Attune pack check collected by pytest-attune (--attune-packs)",
    "attune_db: an Attune check that needs a PostgreSQL database",
    "attune_pack(name): an Attune check of the pack NAME",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    for line in MARKERS:
        config.addinivalue_line("markers", line)
    state = AttuneSession(config)
    config.stash[STATE_KEY] = state
    # The database starts on first use (a register item or fixture) and stops here.
    database = AttuneDatabase.from_config(config)
    config.stash[DB_KEY] = database
    config.add_cleanup(database.close)
    if database.setting is not None:
        config.pluginmanager.register(AttuneDbReporter(database), "attune-db-reporter")
    if state.enabled:
        state.settings  # noqa: B018 - read the configuration now: a mistake is a usage error, not N collection errors
        state.item_kinds.append(VALIDATE)
        if database.setting is not None:
            state.item_kinds.append(REGISTER)
        # pytest has no hook to add collection paths; testpaths-style extra roots are
        # appended to the arguments it is about to collect (xdist workers recompute the
        # same list from the same invocation, so collection stays identical).
        config.args.extend(state.extra_args())
        config.pluginmanager.register(AttuneReporter(state), "attune-reporter")


def pytest_report_header(config: pytest.Config) -> str | None:
    state = config.stash.get(STATE_KEY, None)
    if state is None or not state.enabled:
        return None
    roots = ", ".join(str(p) for p in config.getini("attune_packs")) or "none"
    return f"attune: pack checks on; extra pack roots: {roots}"


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> AttuneFile | None:
    state = parent.config.stash.get(STATE_KEY, None)
    if state is None or not state.enabled:
        return None
    found = state.role_of(file_path, named=parent.session.isinitpath(file_path))
    if found is None:
        return None
    role, root = found
    return AttuneFile.from_parent(parent, path=file_path, role=role, pack_root=root)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    if isinstance(item, AttuneItem):
        item.share_report_records(outcome.get_result())


def pytest_itemcollected(item: pytest.Item) -> None:
    if isinstance(item, AttuneItem):
        state_of(item.config).collected += 1
