"""The ``register`` item kind: each workflow file registered into PostgreSQL, rolled back.

``--attune-db=auto|require|DSN`` (ini ``attune_db``) adds a ``register`` item to every
workflow file the pack checks collect: the file is registered with its pack, as the
platform's registrar would do it, inside a transaction that is always rolled back, and
the stored row is compared with the normalised model.

Nothing here imports psycopg or the registrar at module level: the plugin is loaded in
every pytest run of the environment.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, NoReturn

import pytest

from pytest_attune.collection import PackCheck, norm
from pytest_attune.database import NoDatabase, database_of
from pytest_attune.items import AttuneItem
from pytest_attune.kinds import AttuneFindings, ItemKind

if TYPE_CHECKING:
    from attune_lint.workspace.pack import LoadedWorkflow, Pack

# How many differing values a failed row check lists before it stops.
MAX_DIFFERENCES = 8


def _pack_of(check: PackCheck) -> Pack | None:
    if check.result is None:
        return None
    return check.pack


def _with_errors(loaded: LoadedWorkflow, check: PackCheck, pack: Pack | None) -> LoadedWorkflow:
    """A copy of ``loaded`` carrying the run's errors on its file, its linking action and
    its pack.yaml, as ``attune-lint register`` attaches them: the registrar's
    ``skip_invalid`` reads them. A copy, because the loaded workflow is shared with the
    other items and the fixtures of the session."""
    import dataclasses

    from attune_lint.diagnostics import Severity

    paths = [loaded.file.path]
    if loaded.action is not None:
        paths.append(loaded.action.path)
    if pack is not None and pack.manifest is not None:
        paths.append(pack.manifest_path)
    errors = [d for path in dict.fromkeys(norm(p) for p in paths)
              for d in check.findings(path, own=True) if d.severity >= Severity.ERROR]
    kept = [f for f in loaded.findings if f not in errors]
    return dataclasses.replace(loaded, findings=errors + kept)


def _manifest_error(check: PackCheck, pack: Pack | None) -> str | None:
    from attune_lint.diagnostics import Severity

    if pack is None or pack.manifest is None:
        return None
    errors = [d for d in check.findings(pack.manifest_path, own=True) if d.severity >= Severity.ERROR]
    if not errors:
        return None
    first = errors[0]
    return f"pack.yaml has errors: {first.path}:{first.line}:{first.column}: {first.code} {first.message}"


def _skip(reason: str) -> NoReturn:
    """Skip, reported at the workflow file (as a skip mark would be), not at this module."""
    try:
        # pytest's own flag for skips that belong to the item (used by skipif marks).
        exception = pytest.skip.Exception(reason, _use_item_location=True)
    except TypeError:  # a pytest without it: the report names this module's line instead
        pytest.skip(reason)
    raise exception


def run_register(item: AttuneItem) -> None:
    """Register the item's file with its pack in a rolled-back transaction and compare
    the stored rows with ``stored_workflow(loaded).definition`` and the row values.

    A workflow the registrar refuses for its lint errors (``skip_invalid``, or a
    pack.yaml with errors) is skipped with the registrar's reason: its ``validate`` item
    already fails for those errors, and the platform would not register it either.
    """
    import psycopg

    database = database_of(item.config)
    try:
        conn = database.connection()
    except NoDatabase as exc:
        if exc.fatal:
            raise AttuneFindings(f"attune: no database to register into: {exc.reason}") from None
        missing = exc.reason
    else:
        missing = None
    if missing is not None:
        _skip(f"no database to register into: {missing}")
    check = item.check
    if check.error is not None or check.result is None:
        _skip("not registered: the lint of the pack failed (see its validate item)")
    loaded_list = check.workflows.get(norm(item.path), [])
    if not loaded_list:
        _skip("not registered: no workflow was loaded from this file")
    pack = _pack_of(check)
    if pack is None:
        _skip(f"not registered: no pack was loaded at {check.root}")
    refused = _manifest_error(check, pack)
    if refused is not None:
        _skip(f"not registered (skip_invalid): {refused}")
    workflows = [_with_errors(w, check, pack) for w in loaded_list]
    try:
        with conn.transaction(force_rollback=True):
            problems = _register_and_compare(item, conn, pack, workflows)
    except psycopg.Error as exc:  # the server went away, a statement timeout, ...
        raise AttuneFindings("the registration failed: " + " ".join(str(exc).split())) from None
    if problems:
        raise AttuneFindings("\n".join(problems))


def _register_and_compare(item: AttuneItem, conn: Any, pack: Pack, workflows: list[LoadedWorkflow]) -> list[str]:
    """Register (inside the caller's rolled-back transaction); the differences found."""
    problems: list[str] = []
    results = _register(item, conn, pack, workflows)
    skipped = [r for r in results if r.skipped is not None]
    if skipped and len(skipped) == len(results):
        _skip("not registered (skip_invalid): " + "; ".join(str(r.skipped) for r in skipped))
    for loaded, result in zip(workflows, results):
        if result.skipped is not None:
            problems.append(f"{result.ref_name}: skipped by the registrar: {result.skipped}")
            continue
        for warning in result.warnings:
            item.user_properties.append(("attune_register_warning", warning))
        problems.extend(_row_problems(conn, loaded, pack, result.workflow_def_id))
    return problems


def _register(item: AttuneItem, conn: Any, pack: Pack, workflows: list[LoadedWorkflow]) -> list[Any]:
    from attune_lint.registrar.errors import RegistrationError
    from attune_lint.registrar.registrar import RegistrationOptions, WorkflowRegistrar
    from attune_lint.report.text import format_diagnostic

    registrar = WorkflowRegistrar(conn, RegistrationOptions(update_existing=True, skip_invalid=True))
    try:
        return registrar.register_pack(pack, workflows)
    except RegistrationError as exc:
        if exc.location is None:
            raise AttuneFindings(f"the database refused the registration: {exc.message}") from None
        text = format_diagnostic(exc.to_diagnostic(), item.check.line_of)
        raise AttuneFindings(f"the database refused the registration:\n{text}") from None


ROW_QUERY = (
    "SELECT w.ref, p.ref, w.pack_ref, w.label, w.version, w.definition "
    "FROM attune.workflow_definition AS w JOIN attune.pack AS p ON p.id = w.pack "
    "WHERE w.id = %s"
)


def _row_problems(conn: Any, loaded: LoadedWorkflow, pack: Pack, workflow_def_id: int | None) -> list[str]:
    """What differs between the stored row and the normalised model, one line each."""
    # Through the module, not a name bound at import: the expectation is computed
    # independently of the registrar's own call (and a test can corrupt it).
    from attune_lint.registrar import normalize

    expected = normalize.stored_workflow(loaded, pack.ref)
    row = conn.execute(ROW_QUERY, (workflow_def_id,)).fetchone()
    if row is None:
        return [f"{expected.ref}: no workflow_definition row with id {workflow_def_id} after registration"]
    ref, pack_ref, pack_ref_column, label, version, definition = row
    problems = []
    for name, stored, wanted in (("ref", ref, expected.ref), ("pack", pack_ref, expected.pack_ref),
                                 ("pack_ref", pack_ref_column, expected.pack_ref),
                                 ("label", label, expected.label), ("version", version, expected.version)):
        if stored != wanted:
            problems.append(f"{expected.ref}: stored {name} {stored!r}, expected {wanted!r}")
    differences = list(differences_between(definition, expected.definition, "definition"))
    if differences:
        shown = differences[:MAX_DIFFERENCES]
        more = len(differences) - len(shown)
        problems.append(f"{expected.ref}: the stored definition differs from the normalised model:")
        problems.extend(f"  {line}" for line in shown)
        if more:
            problems.append(f"  ... and {more} more")
    return problems


def differences_between(stored: Any, expected: Any, where: str) -> Iterator[str]:
    """``where: stored X, expected Y`` for every leaf that differs (dict keys and list
    items are followed; a type change is a difference at that level)."""
    if isinstance(stored, dict) and isinstance(expected, dict):
        for key in sorted(set(stored) | set(expected), key=str):
            at = f"{where}.{key}"
            if key not in stored:
                yield f"{at}: missing in the stored row, expected {expected[key]!r}"
            elif key not in expected:
                yield f"{at}: stored {stored[key]!r}, not in the normalised model"
            else:
                yield from differences_between(stored[key], expected[key], at)
    elif isinstance(stored, list) and isinstance(expected, list):
        for index, (left, right) in enumerate(zip(stored, expected)):
            yield from differences_between(left, right, f"{where}[{index}]")
        if len(stored) != len(expected):
            yield f"{where}: stored {len(stored)} items, expected {len(expected)}"
    elif type(stored) is not type(expected) or stored != expected:
        yield f"{where}: stored {stored!r}, expected {expected!r}"


REGISTER = ItemKind(name="register", roles=("workflow",), run=run_register, markers=("attune_db",))
