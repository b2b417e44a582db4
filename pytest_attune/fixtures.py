"""Fixtures for pack authors' own Python tests.

They work with or without ``--attune-packs``. The pack fixtures share the session's lint
of each pack with the collected items (a pack is linted once per session); the database
fixtures (``attune_db_dsn``, ``attune_db``, ``attune_registrar``) share the run's
database with the register items (see ``pytest_attune.database``).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

import pytest

from pytest_attune.collection import AttuneSession, PackCheck, norm, state_of
from pytest_attune.database import NoDatabase, database_of

if TYPE_CHECKING:
    import psycopg

    from attune_lint.diagnostics import Diagnostic
    from attune_lint.registrar.registrar import WorkflowRegistrar
    from attune_lint.workspace.pack import LoadedWorkflow, Pack
    from attune_lint.settings.record import Settings


@dataclass
class AttunePacks:
    """The packs of the session and their workflows, linted."""

    roots: list[Path]
    checks: list[PackCheck]
    packs: list[Pack] = field(default_factory=list)
    workflows: dict[str, LoadedWorkflow] = field(default_factory=dict)  # by ref
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def workflow(self, ref: str) -> LoadedWorkflow:
        try:
            return self.workflows[ref]
        except KeyError:
            known = ", ".join(sorted(self.workflows)) or "none"
            roots = ", ".join(str(r) for r in self.roots) or "none"
            raise LookupError(f"no workflow {ref!r} in the packs at {roots} (known: {known})") from None


def session_pack_roots(state: AttuneSession) -> list[Path]:
    """Configured ``attune_packs`` roots (folders of packs are searched), the packs the
    session collected, or failing both the packs with a pack.yaml below the rootdir."""
    from attune_lint.workspace.discovery import MANIFEST, find_pack_roots

    roots: set[Path] = set()
    for configured in state.configured:
        roots.update(norm(r) for r in find_pack_roots(configured))
    roots.update(state.checks)
    if not roots:
        roots.update(norm(r) for r in find_pack_roots(state.config.rootpath) if (r / MANIFEST).is_file())
    return sorted(roots)


def load_session_packs(state: AttuneSession) -> AttunePacks:
    from attune_lint.workspace.workspace import resolve_refs

    roots = session_pack_roots(state)
    checks = [state.check(root) for root in roots]
    found = AttunePacks(roots=roots, checks=checks)
    workflows = []
    for check in checks:
        if check.error is not None:
            raise RuntimeError(f"attune-lint failed on the pack at {check.root}:\n{check.error}")
        assert check.result is not None
        # Packs linted together share one run: take this pack's part of it.
        if check.pack is not None:
            found.packs.append(check.pack)
        workflows.extend(w for listed in check.workflows.values() for w in listed)
        found.diagnostics.extend(d for listed in check.by_file.values() for d in listed)
    found.diagnostics.sort(key=lambda d: d.sort_key())
    found.workflows = resolve_refs(workflows)
    return found


@pytest.fixture(scope="session")
def attune_packs(pytestconfig: pytest.Config) -> AttunePacks:
    """The session's Attune packs (``.packs``), workflows by ref (``.workflows``) and
    all findings (``.diagnostics``)."""
    return load_session_packs(state_of(pytestconfig))


@pytest.fixture(scope="session")
def attune_workflow(attune_packs: AttunePacks) -> Callable[[str], LoadedWorkflow]:
    """``attune_workflow("acme.deploy")`` → the loaded workflow (LookupError when unknown)."""
    return attune_packs.workflow


LINT_TEXT_LAYOUT = {
    "graph": "actions/workflows/{name}.workflow.yaml",
    "standalone": "workflows/{name}.yaml",
    "action": "actions/{name}.yaml",
    "pack": "pack.yaml",
}

LintText = Callable[..., "list[Diagnostic]"]


def lint_text(folder: Path, text: str, kind: str = "graph", name: str = "example",
              pack: str = "example", settings: Settings | None = None) -> list[Diagnostic]:
    """Findings for ``text`` written as a file of ``kind`` in an otherwise empty pack."""
    from attune_lint.run.runner import lint

    if kind not in LINT_TEXT_LAYOUT:
        raise ValueError(f"kind must be one of {', '.join(LINT_TEXT_LAYOUT)}, not {kind!r}")
    root = folder / pack
    target = root / LINT_TEXT_LAYOUT[kind].format(name=name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    result = lint([root], settings)
    shown = {t.display for t in result.workspace.targets if norm(t.path) == norm(target)}
    return [d for d in result.diagnostics if d.path in shown]


@pytest.fixture
def attune_lint_text(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> LintText:
    """``attune_lint_text(yaml_text, kind="graph", name="example", pack="example",
    settings=None)`` → the findings for that text alone (project settings by default)."""
    state = state_of(pytestconfig)
    counter = itertools.count()

    def run(text: str, kind: str = "graph", name: str = "example", pack: str = "example",
            settings: Settings | None = None) -> list[Diagnostic]:
        folder = tmp_path_factory.mktemp(f"attune_lint_text{next(counter)}", numbered=True)
        return lint_text(folder, text, kind, name, pack, settings or state.settings)

    return run


# -- the database -----------------------------------------------------------------------


def _database_or_skip(config: pytest.Config) -> str:
    try:
        return database_of(config).dsn()
    except NoDatabase as exc:
        missing = exc
    # Outside the except block: the report shows the reasons, not an exception chain.
    if missing.fatal:
        pytest.fail(f"attune: no database: {missing.reason}", pytrace=False)
    pytest.skip(f"no database: {missing.reason}")


@pytest.fixture(scope="session")
def attune_db_dsn(pytestconfig: pytest.Config) -> str:
    """The DSN of the run's PostgreSQL, with the ``attune`` schema applied.

    Provisioned as ``--attune-db`` says (``auto`` when the option is off): a test using it
    is skipped when there is no database in ``auto`` mode and fails in ``require`` mode.
    Once per session; under xdist once per worker.
    """
    return _database_or_skip(pytestconfig)


@pytest.fixture
def attune_db(attune_db_dsn: str, pytestconfig: pytest.Config) -> Iterator[psycopg.Connection]:
    """A psycopg 3 connection inside a transaction that is always rolled back: what the
    test writes is gone afterwards (``commit()`` inside it raises)."""
    with database_of(pytestconfig).connect() as conn:
        with conn.transaction(force_rollback=True):
            yield conn


@pytest.fixture
def attune_registrar(attune_db: psycopg.Connection) -> WorkflowRegistrar:
    """A ``WorkflowRegistrar`` (update_existing, skip_invalid) on ``attune_db``."""
    from attune_lint.registrar.registrar import RegistrationOptions, WorkflowRegistrar

    return WorkflowRegistrar(attune_db, RegistrationOptions(update_existing=True, skip_invalid=True))
