"""Write loaded workflows into Attune's tables, atomically (the seed's registrar).

Every public call runs in one transaction (a savepoint when the connection is already
inside one, e.g. a test's rollback-only transaction): any failure rolls back everything
the call wrote. Statements are parameterised and batched (``executemany``, which psycopg
runs in pipeline mode): registering thousands of workflows costs a handful of round
trips, not one per row.

Concurrent registrations of the same pack are serialised with a transaction-level
advisory lock per pack ref, and every write is an ``INSERT … ON CONFLICT`` upsert, so
two processes registering one pack at once end with one consistent set of rows.

A database error is mapped back to the file and line that caused it: the batch is
replayed row by row inside a savepoint that is then rolled back, and the failing row's
constraint is translated to the YAML key whose value was refused.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql

from attune_lint.diagnostics import Severity
from attune_lint.workspace.pack import LoadedWorkflow, Pack
from attune_lint.document.reader import YamlDocument
from attune_lint.document.tree import key_at_path, node_at_path
from attune_lint.registrar.connection import lock_timeout, set_local_lock_timeout, set_local_search_path
from attune_lint.registrar.errors import Location, NotFoundError, RegistrationError
from attune_lint.registrar.introspect import (SCHEMA, AttuneSchema, Column, IncompatibleDatabase, adapt,
                                              read_schema)
from attune_lint.registrar.normalize import STANDALONE_ACTION_DEFAULTS, StoredWorkflow, stored_workflow, yaml_text

_LOCK_PREFIX = "attune_lint.register:"
_T = TypeVar("_T")
# 42703, 42P01: the database is not the schema the statements were built for.
_UNDEFINED = (pg_errors.UndefinedColumn, pg_errors.UndefinedTable)


@dataclass(frozen=True)
class RegistrationOptions:
    """The platform's options: update rows that exist; skip files with errors."""

    update_existing: bool = True
    skip_invalid: bool = True


@dataclass
class RegistrationResult:
    """What happened to one workflow.

    ``created`` is True for a new row, False for an updated one; ``skipped`` holds the
    reason when nothing was written (``workflow_def_id`` is then None).
    """

    ref_name: str
    workflow_def_id: int | None
    created: bool
    warnings: list[str] = field(default_factory=list)
    skipped: str | None = None
    path: str = ""

    @property
    def status(self) -> str:
        if self.skipped is not None:
            return "skipped"
        return "created" if self.created else "updated"


@dataclass
class _Plan:
    """One workflow on its way to the database."""

    loaded: LoadedWorkflow
    stored: StoredWorkflow
    result: RegistrationResult
    pack_id: int | None = None


@dataclass(frozen=True)
class _Claim:
    """A workflow ref written by an earlier pack of a run registered pack by pack: the file
    that claimed it and where, as a duplicate's error names it (no tree kept)."""

    path: Path
    location: Location


def _claim(plans: Iterable[_Plan], claims: dict[str, _Claim]) -> None:
    for plan in plans:
        if plan.stored.ref not in claims:
            claims[plan.stored.ref] = _Claim(plan.loaded.file.path,
                                             workflow_location(plan.loaded, "ref", "first claimed here"))


def _display(doc: YamlDocument | None, path: Path) -> str:
    return doc.path if doc is not None and doc.path else str(path)


def _locate(doc: YamlDocument | None, display: str, keys: tuple[Any, ...], note: str = "") -> Location:
    """The key ``keys`` in ``doc`` (its value when it is not a key), else the file start."""
    root = doc.root if doc is not None else None
    node = key_at_path(root, keys) or node_at_path(root, keys)
    if node is None or not keys:
        return Location(display, 1, 1, note)
    return Location(display, node.start.line, node.start.column, note)


def workflow_location(loaded: LoadedWorkflow, key: str, note: str = "") -> Location:
    """Where a workflow field comes from: the graph's key, else the linking action's
    (ref/label/description/parameters/output are taken from it), else the file start."""
    graph_has = isinstance(loaded.definition, dict) and key in loaded.definition
    if not graph_has and loaded.action is not None and key in loaded.action.data:
        action = loaded.action
        return _locate(action.document, _display(action.document, action.path), (key,), note)
    display = _display(loaded.document, loaded.file.path)
    return _locate(loaded.document, display, (key,) if graph_has else (), note)


def pack_location(pack: Pack | None, key: str, note: str = "") -> Location | None:
    if pack is None:
        return None
    return _locate(pack.manifest, _display(pack.manifest, pack.manifest_path), (key,), note)


class WorkflowRegistrar:
    """Registers workflows through an open psycopg 3 connection (schema ``attune``)."""

    def __init__(self, conn: psycopg.Connection, options: RegistrationOptions | None = None) -> None:
        self.conn = conn
        self.options = options or RegistrationOptions()
        self._cached: _Statements | None = None

    # -- public API ------------------------------------------------------------------------

    def register_workflow(self, loaded: LoadedWorkflow) -> RegistrationResult:
        """Create or update one workflow; its pack row must exist."""
        return self.register_workflows([loaded])[0]

    def register_workflows(self, loaded_list: Iterable[LoadedWorkflow]) -> list[RegistrationResult]:
        """Create or update many workflows in one transaction; their packs must exist."""
        loaded_list = list(loaded_list)
        return self._in_transaction(lambda: self._register(loaded_list, packs=()))

    def register_pack(self, pack: Pack, workflows: Iterable[LoadedWorkflow]) -> list[RegistrationResult]:
        """Upsert the pack row, then its workflow definitions and workflow actions."""
        workflows = list(workflows)
        return self._in_transaction(lambda: self._register(workflows, packs=(pack,)))

    def register_packs(self, packs: Sequence[tuple[Pack, Sequence[LoadedWorkflow]]]) -> list[RegistrationResult]:
        """Several packs and their workflows, all in one transaction."""
        return self._in_transaction(
            lambda: self._register([w for _, ws in packs for w in ws], packs=tuple(p for p, _ in packs)))

    def register_packs_in_turn(self, packs: Iterable[tuple[Pack, Sequence[LoadedWorkflow]]],
                               pack_refs: Iterable[str]) -> list[RegistrationResult]:
        """``register_packs`` for packs handed over one at a time: one transaction, but each
        pack is planned and written before the next is asked for, and nothing of it is kept
        but its results and its workflows' ref claims (file and line, for the duplicate
        check). Peak memory is then one pack's trees, however many packs the run has
        (``attune-lint register``, where ``packs`` loads each pack when it is reached).

        ``pack_refs``: every pack ref the run will write. Their advisory locks are taken
        at once, in one sorted statement, as ``register_packs`` takes them: two
        registrations of overlapping packs never wait for each other in opposite orders.

        The same rows, ids and errors as ``register_packs`` with the same packs, except
        which error is reported when several packs have one: the first pack's (an earlier
        pack's database error is no longer preceded by a later pack's unstorable value or
        duplicate ref); and a later pack's action ref that an earlier pack of the run wrote
        is refused as registered by that pack (one call finds it only at the write). Either
        way the transaction is rolled back.
        """
        def run() -> list[RegistrationResult]:
            self._statements  # noqa: B018 - an unsuitable database is refused before any pack is read
            locked = self._lock(pack_refs)
            claims: dict[str, _Claim] = {}
            results: list[RegistrationResult] = []
            for pack, workflows in packs:
                results.extend(self._register(list(workflows), (pack,), claims, locked))
                # Drop this pack before the iterator loads the next: the loop variables
                # would otherwise keep its trees alive during the next pack's loading.
                del pack, workflows
            return results
        return self._in_transaction(run)

    def schema(self) -> AttuneSchema:
        """The database's tables and version, read once (IncompatibleDatabase when the
        registrar cannot write to it)."""
        return self._in_transaction(lambda: self._statements.schema)

    def linked_actions(self, ref: str) -> list[str]:
        """The refs of the actions linked to the active definition ``ref``."""
        def run() -> list[str]:
            active = self._active_filter("wd")
            rows = self.conn.execute(sql.SQL(
                "SELECT a.ref FROM attune.action a JOIN attune.workflow_definition wd "
                "ON a.workflow_def = wd.id WHERE wd.ref = %s{} ORDER BY a.ref").format(active), (ref,)).fetchall()
            return [r[0] for r in rows]
        return self._in_transaction(run)

    def unregister_workflow(self, ref: str) -> int:
        """Delete the active definition ``ref``; its companion actions go with it (FK
        CASCADE), as the platform does. Returns the deleted row's id."""
        def run() -> Any:
            return self.conn.execute(sql.SQL(
                "DELETE FROM attune.workflow_definition AS wd WHERE wd.ref = %s{} RETURNING wd.id").format(
                self._active_filter("wd")), (ref,)).fetchone()
        row = self._in_transaction(run)
        if row is None:
            raise NotFoundError(f"workflow '{ref}' is not registered", ref=ref)
        return int(row[0])

    # -- the database ------------------------------------------------------------------------

    @property
    def _statements(self) -> _Statements:
        if self._cached is None:
            schema = read_schema(self.conn)
            schema.require(WRITTEN)
            self._cached = _Statements.build(schema)
        return self._cached

    def _active_filter(self, alias: str) -> Any:
        """`` AND wd.retired_at IS NULL`` where the column exists (newest Attune), else nothing."""
        if self._statements.schema.has("workflow_definition", "retired_at"):
            return sql.SQL(" AND {} IS NULL").format(sql.Identifier(alias, "retired_at"))
        return sql.SQL("")

    def _in_transaction(self, run: Callable[[], _T]) -> _T:
        """``run()`` in one transaction with Attune's search path; an undefined column or
        relation (the database is not the schema we read) is an incompatible database."""
        try:
            with self.conn.transaction():
                set_local_search_path(self.conn)
                set_local_lock_timeout(self.conn)
                return run()
        except _UNDEFINED as exc:
            raise self.incompatible(exc) from None
        except pg_errors.LockNotAvailable as exc:
            raise RegistrationError(
                f"gave up after waiting {lock_timeout()} for a lock on a table the registration writes "
                f"(another session holds it: a migration or an open transaction); try again later, or "
                f"wait longer with ATTUNE_LOCK_TIMEOUT (e.g. 5min): {_one_line(exc)}",
                sqlstate=exc.sqlstate) from None

    def incompatible(self, exc: BaseException) -> IncompatibleDatabase:
        version = self._cached.schema.version if self._cached is not None else "version not read"
        return IncompatibleDatabase(f"incompatible Attune database ({version}): {_one_line(exc)}",
                                    sqlstate=getattr(exc, "sqlstate", None))

    # -- the run -----------------------------------------------------------------------------

    def _lock(self, pack_refs: Iterable[str]) -> frozenset[str]:
        """Take the advisory lock of each pack ref, in sorted order, in one statement; the
        refs now locked (held until the transaction ends)."""
        refs = sorted(set(pack_refs))
        if refs:
            self.conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) "
                "FROM unnest(%s::text[]) AS k ORDER BY k",
                ([_LOCK_PREFIX + r for r in refs],))
        return frozenset(refs)

    def _register(self, loaded_list: list[LoadedWorkflow], packs: tuple[Pack, ...],
                  claims: dict[str, _Claim] | None = None,
                  locked: frozenset[str] = frozenset()) -> list[RegistrationResult]:
        """Plan, check and write ``loaded_list`` and the rows of ``packs``. ``claims``: the
        refs earlier calls of the same run wrote (checked for duplicates, then extended with
        this call's); ``locked``: pack refs whose locks the run holds already."""
        results: list[RegistrationResult] = []
        plans: list[_Plan] = []
        for loaded in loaded_list:
            display = _display(loaded.document, loaded.file.path)
            errors = [f for f in loaded.findings if f.severity >= Severity.ERROR]
            result = RegistrationResult(loaded.ref, None, False, path=display)
            results.append(result)
            if errors and self.options.skip_invalid:
                first = errors[0]
                more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
                result.skipped = (f"{len(errors)} error(s): {first.path}:{first.line}:{first.column}: "
                                  f"{first.code} {first.message}{more}")
                continue
            result.warnings.extend(f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}" for f in errors)
            pack = next((p for p in packs if loaded.pack is not None and p.root == loaded.pack.root), None)
            stored = stored_workflow(loaded, pack.ref if pack is not None else None)
            result.ref_name = stored.ref
            if stored.lookup_ref != stored.ref:
                result.warnings.append(
                    f"ref '{stored.ref}' differs from the file-derived '{stored.lookup_ref}': the "
                    "platform's workflow sync looks the row up by the latter and fails to update it")
            plans.append(_Plan(loaded, stored, result))
        for plan in plans:
            _check_storable(plan.loaded)
        self._check_duplicates(plans, claims or {})
        self._statements  # noqa: B018 - read the tables first: an unsuitable database is refused up front

        self._lock(({p.ref for p in packs} | {plan.stored.pack_ref for plan in plans}) - locked)
        pack_ids = self._upsert_packs(packs)
        self._resolve_packs(plans, pack_ids)
        if claims is not None:
            _claim(plans, claims)  # while the trees are here: the claims keep file and line only
        plans = self._decide_existing(plans)
        if plans:
            self._write(plans)
        return results

    def _check_duplicates(self, plans: list[_Plan], earlier: dict[str, _Claim]) -> None:
        """Two files claiming one ref would silently overwrite each other: refuse, naming
        both (one graph file linked by several actions is one definition, not a clash).
        ``earlier``: the claims of the packs a run registered before these plans."""
        seen: dict[str, _Plan] = {}
        for plan in plans:
            ref = plan.stored.ref
            claimed = earlier.get(ref)
            other = seen.get(ref)
            first: Location | None = None
            if claimed is not None:  # an earlier pack's file comes first in the run's order
                if claimed.path != plan.loaded.file.path:
                    first = claimed.location
            elif other is not None and other.loaded.file.path != plan.loaded.file.path:
                first = workflow_location(other.loaded, "ref", "first claimed here")
            if first is not None:
                raise RegistrationError(
                    f"workflow ref '{ref}' is defined by two files; the second would "
                    "overwrite the first", workflow_location(plan.loaded, "ref"),
                    ref=ref, related=(first,))
            seen.setdefault(ref, plan)

    # -- packs -------------------------------------------------------------------------------

    def _upsert_packs(self, packs: tuple[Pack, ...]) -> dict[str, int]:
        ids: dict[str, int] = {}
        for pack in packs:
            row = self._statements.pack_params(pack)
            try:
                with self.conn.transaction():
                    ids[pack.ref] = int(self.conn.execute(self._statements.pack.statement, row).fetchone()[0])
            except psycopg.DatabaseError as exc:
                if isinstance(exc, _UNDEFINED):
                    raise self.incompatible(exc) from None
                raise _pack_error(exc, pack) from exc
        return ids

    def _resolve_packs(self, plans: list[_Plan], known: dict[str, int]) -> None:
        wanted = sorted({plan.stored.pack_ref for plan in plans} - set(known))
        if wanted:
            rows = self.conn.execute("SELECT ref, id FROM attune.pack WHERE ref = ANY(%s::text[])",
                                     (wanted,)).fetchall()
            known = {**known, **{r: int(i) for r, i in rows}}
        for plan in plans:
            plan.pack_id = known.get(plan.stored.pack_ref)
            if plan.pack_id is None:
                where = pack_location(plan.loaded.pack, "ref") or workflow_location(plan.loaded, "ref")
                raise NotFoundError(
                    f"pack '{plan.stored.pack_ref}' is not registered; register the pack first "
                    "(attune-lint register <pack folder> writes the pack row too)", where,
                    ref=plan.stored.ref)

    # -- definitions and actions ------------------------------------------------------------

    def _decide_existing(self, plans: list[_Plan]) -> list[_Plan]:
        """Created or updated; refuse rows owned by another pack; skip existing rows when
        updates are off. Returns the plans still to write."""
        refs = sorted({p.stored.ref for p in plans})
        rows = self.conn.execute(
            "SELECT ref, id, pack, pack_ref FROM attune.workflow_definition WHERE ref = ANY(%s::text[])",
            (refs,)).fetchall()
        existing = {r[0]: r for r in rows}
        action_rows = self.conn.execute(
            "SELECT ref, pack, pack_ref FROM attune.action WHERE ref = ANY(%s::text[])",
            (sorted({p.stored.action["ref"] for p in plans}),)).fetchall()
        actions = {r[0]: r for r in action_rows}
        to_write: list[_Plan] = []
        for plan in plans:
            row = existing.get(plan.stored.ref)
            if row is not None and row[2] != plan.pack_id:
                raise RegistrationError(
                    f"workflow ref '{plan.stored.ref}' is already registered by pack '{row[3]}'",
                    workflow_location(plan.loaded, "ref"), ref=plan.stored.ref,
                    constraint="workflow_definition_ref_key", sqlstate="23505")
            action = actions.get(plan.stored.action["ref"])
            if action is not None and action[1] != plan.pack_id:
                raise RegistrationError(
                    f"action ref '{plan.stored.action['ref']}' is already registered by pack '{action[2]}'",
                    workflow_location(plan.loaded, "ref"), ref=plan.stored.ref,
                    constraint="action_ref_key", sqlstate="23505")
            if row is not None and not self.options.update_existing:
                plan.result.skipped = "already registered, and updating existing workflows is off"
                plan.result.workflow_def_id = int(row[1])
                continue
            to_write.append(plan)
        return to_write

    def _write(self, plans: list[_Plan]) -> None:
        try:
            with self.conn.transaction(), _quiet_pipeline_exit():
                self._write_batched(plans)
        except psycopg.DatabaseError as exc:
            if isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)):
                raise
            if isinstance(exc, _UNDEFINED):
                raise self.incompatible(exc) from None
            raise self._diagnose(plans, exc) from exc

    def _write_batched(self, plans: list[_Plan]) -> None:
        with self.conn.cursor() as cur:
            st = self._statements
            cur.executemany(st.definition.statement, [st.definition_params(p) for p in plans], returning=True)
            for plan in plans:
                row = cur.fetchone()
                if row is None:  # ON CONFLICT … WHERE refused: another pack took the ref meanwhile
                    raise _owned_elsewhere(plan, "workflow definition")
                plan.result.workflow_def_id, plan.result.created = int(row[0]), bool(row[1])
                cur.nextset()
            cur.executemany(st.action.statement, [st.action_params(p) for p in plans], returning=True)
            for plan in plans:
                if cur.fetchone() is None:
                    raise _owned_elsewhere(plan, "action")
                cur.nextset()

    def _diagnose(self, plans: list[_Plan], batch_error: psycopg.DatabaseError) -> RegistrationError:
        """Replay the batch one statement at a time (then roll the replay back) to find
        the row the database refused, and say where it comes from."""
        culprit: tuple[_Plan, str, psycopg.DatabaseError] | None = None
        try:
            with self.conn.transaction(force_rollback=True), self.conn.cursor() as cur:
                for plan in plans:
                    st = self._statements
                    for stage, statement, params in (
                            ("definition", st.definition.statement, st.definition_params(plan)),
                            ("action", st.action.statement, None)):
                        try:
                            with self.conn.transaction():
                                if params is None:
                                    params = st.action_params(plan)
                                cur.execute(statement, params)
                                row = cur.fetchone()
                                if stage == "definition" and row is not None:
                                    plan.result.workflow_def_id = int(row[0])
                        except psycopg.DatabaseError as exc:
                            culprit = (plan, stage, exc)
                            break
                    if culprit:
                        break
        except psycopg.Error:
            culprit = None
        if culprit is None:
            return RegistrationError(f"the database refused the registration: {_one_line(batch_error)}",
                                     sqlstate=batch_error.sqlstate)
        plan, stage, exc = culprit
        upsert = self._statements.action if stage == "action" else self._statements.definition
        return _row_error(exc, plan, stage, upsert.columns)


class _PipelineExitFilter(logging.Filter):
    """Drops psycopg's ``error ignored terminating <psycopg.Pipeline …>: pipeline aborted``:
    when a batched statement fails, leaving the pipeline fails again with "pipeline
    aborted" (depending on timing); the first error is the one that is raised and that
    the registrar reports, so the second says nothing but noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith("error ignored terminating")
                    and record.args and type(record.args[0]).__name__ == "Pipeline")


@contextmanager
def _quiet_pipeline_exit() -> Iterator[None]:
    logger = logging.getLogger("psycopg")
    quiet = _PipelineExitFilter()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


# -- SQL and rows ------------------------------------------------------------------------------

PACK_COLUMNS = ("ref", "label", "description", "version", "conf_schema", "config", "meta", "tags",
                "runtime_deps", "dependencies", "is_standard")
DEFINITION_COLUMNS = ("ref", "pack", "pack_ref", "label", "description", "version", "param_schema",
                      "out_schema", "definition", "tags")
ACTION_COLUMNS = ("ref", "pack", "pack_ref", "label", "description", "entrypoint", "param_schema",
                  "out_schema", *STANDALONE_ACTION_DEFAULTS, "workflow_def")
# Never changed by an update: the conflict key and the owner.
_KEY_COLUMNS = frozenset({"ref", "pack", "pack_ref"})
WRITTEN = {"pack": {"id", *PACK_COLUMNS}, "workflow_definition": {"id", *DEFINITION_COLUMNS},
           "action": {"id", *ACTION_COLUMNS}}


@dataclass(frozen=True)
class Upsert:
    """``INSERT … ON CONFLICT (ref) DO UPDATE`` for the columns a table really has.

    Every value is cast to its column's own type (an enum, jsonb or text[], as the
    catalog says); generated and missing columns are left out. On update, each column
    is set again only when the row's ``u_<column>`` flag is true (so one statement
    serves rows with different update rules, e.g. a description cleared or kept).
    """

    table: str
    columns: tuple[Column, ...]
    statement: Any

    @classmethod
    def build(cls, schema: AttuneSchema, table: str, wanted: tuple[str, ...], returning: str) -> Upsert:
        from psycopg import sql

        table_columns = schema.columns(table)
        columns = tuple(table_columns[c] for c in wanted if schema.has(table, c))
        sets = [sql.SQL("{col} = CASE WHEN {flag}::boolean THEN EXCLUDED.{col} ELSE {old} END").format(
                    col=sql.Identifier(c.name), flag=sql.Placeholder("u_" + c.name),
                    old=sql.Identifier("t", c.name))
                for c in columns if c.name not in _KEY_COLUMNS]
        if table != "pack" and schema.has(table, "retired_at"):
            sets.append(sql.SQL("retired_at = NULL"))  # registering again reactivates a retired row
        where = sql.SQL(" WHERE t.pack = EXCLUDED.pack") if table != "pack" else sql.SQL("")
        statement = sql.SQL(
            "INSERT INTO {target} AS t ({names}) VALUES ({values}) "
            "ON CONFLICT (ref) DO UPDATE SET {sets}{where} RETURNING {returning}").format(
            target=sql.Identifier(SCHEMA, table),
            names=sql.SQL(", ").join(sql.Identifier(c.name) for c in columns),
            values=sql.SQL(", ").join(sql.SQL("{}::{}").format(sql.Placeholder("v_" + c.name), c.cast())
                                      for c in columns),
            sets=sql.SQL(", ").join(sets), where=where, returning=sql.SQL(returning))
        return cls(table, columns, statement)

    def params(self, values: dict[str, Any], update: Any) -> dict[str, Any]:
        out = {"v_" + c.name: adapt(c, values.get(c.name)) for c in self.columns}
        out.update({"u_" + c.name: c.name in update for c in self.columns if c.name not in _KEY_COLUMNS})
        return out


@dataclass(frozen=True)
class _Statements:
    schema: AttuneSchema
    pack: Upsert
    definition: Upsert
    action: Upsert

    @classmethod
    def build(cls, schema: AttuneSchema) -> _Statements:
        return cls(schema,
                   Upsert.build(schema, "pack", PACK_COLUMNS, "id"),
                   Upsert.build(schema, "workflow_definition", DEFINITION_COLUMNS, "id, (xmax = 0) AS created"),
                   Upsert.build(schema, "action", ACTION_COLUMNS, "id"))

    def pack_params(self, pack: Pack) -> dict[str, Any]:
        return self.pack.params(_pack_row(pack), PACK_COLUMNS)

    def definition_params(self, plan: _Plan) -> dict[str, Any]:
        s = plan.stored
        values = {"ref": s.ref, "pack": plan.pack_id, "pack_ref": s.pack_ref, "label": s.label,
                  "description": s.description, "version": s.version, "param_schema": s.param_schema,
                  "out_schema": s.out_schema, "definition": s.definition, "tags": s.tags}
        # The platform's update keeps the old description/schemas when the new one is None.
        update = {"label", "version", "definition", "tags"}
        update |= {k for k in ("description", "param_schema", "out_schema") if values[k] is not None}
        return self.definition.params(values, update)

    def action_params(self, plan: _Plan) -> dict[str, Any]:
        values = {**plan.stored.action, "pack": plan.pack_id, "pack_ref": plan.stored.pack_ref,
                  "workflow_def": plan.result.workflow_def_id}
        return self.action.params(values, plan.stored.action_update | {"workflow_def"})


def _unstorable(value: Any, path: tuple[Any, ...] = ()) -> tuple[tuple[Any, ...], str] | None:
    """The first value PostgreSQL cannot store, with its path and the reason: a NUL in a
    string (text and jsonb refuse it), a number that is infinite or not a number (JSON has
    neither). Found here, it is reported at its key instead of at the top of the file."""
    pending: list[tuple[tuple[Any, ...], Any]] = [(path, value)]
    seen: set[int] = set()  # shared (aliased) values are looked at once; a cycle ends here
    while pending:
        where, current = pending.pop()
        if isinstance(current, (dict, list)):
            if id(current) in seen:
                continue
            seen.add(id(current))
        if isinstance(current, str) and "\x00" in current:
            return where, "holds a NUL character, which PostgreSQL's text and jsonb cannot store"
        if isinstance(current, float) and (current != current or current in (float("inf"), float("-inf"))):
            return where, f"is {current}, a number JSON cannot hold (jsonb refuses it)"
        if isinstance(current, dict):
            pending.extend(((*where, k), v) for k, v in reversed(list(current.items())))
            pending.extend(((*where, k), k) for k in current if isinstance(k, str) and "\x00" in k)
        elif isinstance(current, list):
            pending.extend(((*where, i), v) for i, v in reversed(list(enumerate(current))))
    return None


def _check_storable(loaded: LoadedWorkflow) -> None:
    sources = [(loaded.definition, loaded.document, _display(loaded.document, loaded.file.path))]
    if loaded.action is not None:
        action = loaded.action
        sources.append((action.data, action.document, _display(action.document, action.path)))
    for data, document, display in sources:
        found = _unstorable(data)
        if found is not None:
            path, reason = found
            shown = ".".join(str(p) for p in path) or "the file"
            raise RegistrationError(f"'{loaded.ref}': the value of {shown} {reason}",
                                    _locate(document, display, path), ref=loaded.ref)


def _pack_row(pack: Pack) -> dict[str, Any]:
    data = pack.manifest_data if isinstance(pack.manifest_data, dict) else {}
    label = data.get("label") or data.get("name") or pack.ref
    mapping = lambda key: data.get(key) if isinstance(data.get(key), dict) else {}  # noqa: E731
    return {
        "ref": pack.ref,
        "label": yaml_text(label),
        "description": yaml_text(data.get("description")),
        "version": yaml_text(data.get("version")),
        "conf_schema": mapping("conf_schema"),
        "config": mapping("config"),
        "meta": mapping("meta"),
        "tags": _strings(data.get("tags")),
        "runtime_deps": _strings(data.get("runtime_deps")),
        # A map here (as in real manifests) is not a list of pack refs: store none.
        "dependencies": _strings(data.get("dependencies")),
        "is_standard": data.get("system") is True,
    }


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


# -- error mapping -----------------------------------------------------------------------------


def _one_line(exc: BaseException) -> str:
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) or str(exc).strip().splitlines()[0]
    detail = getattr(diag, "message_detail", None)
    return f"{primary} ({detail})" if detail else primary


def _owned_elsewhere(plan: _Plan, what: str) -> RegistrationError:
    ref = plan.stored.ref if what == "workflow definition" else plan.stored.action["ref"]
    return RegistrationError(f"{what} ref '{ref}' was registered by another pack meanwhile",
                             workflow_location(plan.loaded, "ref"), ref=plan.stored.ref,
                             sqlstate="23505")


# Which YAML key a refused column comes from.
_COLUMN_KEYS = {"ref": "ref", "label": "label", "version": "version", "description": "description",
                "param_schema": "parameters", "out_schema": "output", "definition": "tasks",
                "entrypoint": "workflow_file", "tags": "tags"}
_LIMITS = {"ref": 255, "pack_ref": 255, "label": 255, "version": 50}
# Action columns whose values come from the action YAML's keys of the same name.
_ACTION_KEYS = ("reference_allowed_pack_refs", "reference_visibility", "timeout_seconds",
                "log_retention_limit", "log_retention_policy", "artifact_retention_limit",
                "artifact_retention_policy", "parameter_delivery", "parameter_format", "output_format",
                "default_execution_permission_set_refs", "required_worker_runtimes", "worker_selector",
                "worker_tolerations", "worker_affinity", "accesses_mcp", "enabled")


def constraint_key(constraint: str | None) -> str:
    """The YAML key a CHECK constraint is about, from its name (Attune names them
    ``<table>_<column>_<what>``): e.g. ``action_reference_allowed_pack_refs_restricted_only``
    → ``reference_allowed_pack_refs``; the ref when nothing matches."""
    name = constraint or ""
    for column in sorted((*_ACTION_KEYS, "runtime_version_constraint"), key=len, reverse=True):
        if column in name:
            return "runtime_version" if column == "runtime_version_constraint" else column
    return "version" if "version" in name else "ref"


def _row_error(exc: psycopg.DatabaseError, plan: _Plan, stage: str,
               columns: tuple[Column, ...] = ()) -> RegistrationError:
    """The refused row's error at the key whose value the constraint checks."""
    diag = exc.diag
    constraint = diag.constraint_name
    column = diag.column_name
    table = diag.table_name or ("action" if stage == "action" else "workflow_definition")
    reason = _one_line(exc)
    key = "ref"
    related: tuple[Location, ...] = ()
    if isinstance(exc, pg_errors.StringDataRightTruncation):
        values = plan.stored.action if stage == "action" else {
            "ref": plan.stored.ref, "label": plan.stored.label, "version": plan.stored.version,
            "pack_ref": plan.stored.pack_ref}
        too_long = [c for c, limit in _LIMITS.items() if isinstance(values.get(c), str) and len(values[c]) > limit]
        column = too_long[0] if too_long else column
        if column:
            reason = (f"{column} is {len(values[column])} characters; the {table}.{column} column holds "
                      f"at most {_LIMITS[column]}")
        key = _COLUMN_KEYS.get(column or "", "ref")
    elif isinstance(exc, pg_errors.ForeignKeyViolation):
        reason = (f"the {table} row refers to a row that no longer exists "
                  f"({constraint}): {diag.message_detail or reason}")
        pack_loc = pack_location(plan.loaded.pack, "ref", "pack declared here")
        related = (pack_loc,) if pack_loc else ()
    elif isinstance(exc, pg_errors.CheckViolation):
        key = constraint_key(constraint)
        reason = f"{table} check constraint {constraint} refuses the value: {diag.message_primary}"
    elif isinstance(exc, pg_errors.NotNullViolation):
        key = _COLUMN_KEYS.get(column or "", "ref")
        reason = f"{table}.{column} must have a value; '{key}' is missing or null"
    elif isinstance(exc, pg_errors.UniqueViolation):
        reason = f"{table} ref is already taken: {diag.message_detail or reason}"
    elif isinstance(exc, pg_errors.DataError):
        # e.g. `invalid input value for enum action_reference_visibility_enum: "Public"`:
        # the column whose type the message names is the key.
        primary = diag.message_primary or ""
        typed = [c.name for c in columns if c.type_base in primary or c.type_name in primary]
        if len(typed) > 1:  # two columns of one enum type: the one holding the refused value
            values = plan.stored.action if stage == "action" else {}
            typed = [c for c in typed if f'"{values.get(c)}"' in primary] or typed
        if typed:
            column = typed[0]
            key = {"runtime_version_constraint": "runtime_version"}.get(column, _COLUMN_KEYS.get(column, column))
            reason = f"{table}.{column} refuses the value: {reason}"
    ref_value = plan.stored.action["ref"] if stage == "action" else plan.stored.ref
    where = workflow_location(plan.loaded, key)
    return RegistrationError(f"'{ref_value}': {reason}", where, ref=plan.stored.ref, related=related,
                             constraint=constraint, sqlstate=exc.sqlstate)


def _pack_error(exc: psycopg.DatabaseError, pack: Pack) -> RegistrationError:
    diag = exc.diag
    constraint = diag.constraint_name or ""
    key = "version" if "version" in constraint else "ref"
    if isinstance(exc, pg_errors.CheckViolation):
        message = f"pack check constraint {constraint} refuses the value: {diag.message_primary}"
    elif isinstance(exc, pg_errors.NotNullViolation):
        key = diag.column_name if diag.column_name in ("version", "label") else key
        message = f"pack.{diag.column_name} must have a value; '{key}' is missing"
    else:
        message = f"the database refused the pack row: {_one_line(exc)}"
    where = pack_location(pack, key) or Location(str(pack.manifest_path))
    return RegistrationError(f"pack '{pack.ref}': {message}", where, ref=pack.ref,
                             constraint=diag.constraint_name, sqlstate=exc.sqlstate)
