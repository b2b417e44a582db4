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

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import psycopg
from psycopg import errors as pg_errors
from psycopg.types.json import Jsonb

from attune_lint.diagnostics import Severity
from attune_lint.workspace.pack import LoadedWorkflow, Pack
from attune_lint.document.reader import YamlDocument
from attune_lint.document.tree import key_at_path, node_at_path
from attune_lint.registrar.connection import set_local_search_path
from attune_lint.registrar.errors import Location, NotFoundError, RegistrationError
from attune_lint.registrar.normalize import StoredWorkflow, stored_workflow, yaml_text

_LOCK_PREFIX = "attune_lint.register:"


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

    # -- public API ------------------------------------------------------------------------

    def register_workflow(self, loaded: LoadedWorkflow) -> RegistrationResult:
        """Create or update one workflow; its pack row must exist."""
        return self.register_workflows([loaded])[0]

    def register_workflows(self, loaded_list: Iterable[LoadedWorkflow]) -> list[RegistrationResult]:
        """Create or update many workflows in one transaction; their packs must exist."""
        loaded_list = list(loaded_list)
        with self.conn.transaction():
            set_local_search_path(self.conn)
            return self._register(loaded_list, packs=())

    def register_pack(self, pack: Pack, workflows: Iterable[LoadedWorkflow]) -> list[RegistrationResult]:
        """Upsert the pack row, then its workflow definitions and workflow actions."""
        workflows = list(workflows)
        with self.conn.transaction():
            set_local_search_path(self.conn)
            return self._register(workflows, packs=(pack,))

    def register_packs(self, packs: Sequence[tuple[Pack, Sequence[LoadedWorkflow]]]) -> list[RegistrationResult]:
        """Several packs and their workflows, all in one transaction."""
        with self.conn.transaction():
            set_local_search_path(self.conn)
            return self._register([w for _, ws in packs for w in ws], packs=tuple(p for p, _ in packs))

    def unregister_workflow(self, ref: str) -> int:
        """Delete the active definition ``ref``; its companion actions go with it (FK
        CASCADE), as the platform does. Returns the deleted row's id."""
        with self.conn.transaction():
            set_local_search_path(self.conn)
            row = self.conn.execute(
                "DELETE FROM attune.workflow_definition WHERE ref = %s AND retired_at IS NULL RETURNING id",
                (ref,)).fetchone()
        if row is None:
            raise NotFoundError(f"workflow '{ref}' is not registered", ref=ref)
        return int(row[0])

    # -- the run -----------------------------------------------------------------------------

    def _register(self, loaded_list: list[LoadedWorkflow], packs: tuple[Pack, ...]) -> list[RegistrationResult]:
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
        self._check_duplicates(plans)

        pack_refs = sorted({p.ref for p in packs} | {plan.stored.pack_ref for plan in plans})
        if pack_refs:
            self.conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) "
                "FROM unnest(%s::text[]) AS k ORDER BY k",
                ([_LOCK_PREFIX + r for r in pack_refs],))
        pack_ids = self._upsert_packs(packs)
        self._resolve_packs(plans, pack_ids)
        plans = self._decide_existing(plans)
        if plans:
            self._write(plans)
        return results

    def _check_duplicates(self, plans: list[_Plan]) -> None:
        """Two files claiming one ref would silently overwrite each other: refuse, naming
        both (one graph file linked by several actions is one definition, not a clash)."""
        seen: dict[str, _Plan] = {}
        for plan in plans:
            other = seen.get(plan.stored.ref)
            if other is not None and other.loaded.file.path != plan.loaded.file.path:
                first = workflow_location(other.loaded, "ref", "first claimed here")
                raise RegistrationError(
                    f"workflow ref '{plan.stored.ref}' is defined by two files; the second would "
                    "overwrite the first", workflow_location(plan.loaded, "ref"),
                    ref=plan.stored.ref, related=(first,))
            seen.setdefault(plan.stored.ref, plan)

    # -- packs -------------------------------------------------------------------------------

    def _upsert_packs(self, packs: tuple[Pack, ...]) -> dict[str, int]:
        ids: dict[str, int] = {}
        for pack in packs:
            row = _pack_row(pack)
            try:
                with self.conn.transaction():
                    ids[pack.ref] = int(self.conn.execute(_PACK_UPSERT, row).fetchone()[0])
            except psycopg.DatabaseError as exc:
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
            with self.conn.transaction():
                self._write_batched(plans)
        except psycopg.DatabaseError as exc:
            if isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)):
                raise
            raise self._diagnose(plans, exc) from exc

    def _write_batched(self, plans: list[_Plan]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(_DEFINITION_UPSERT, [_definition_row(p) for p in plans], returning=True)
            for plan in plans:
                row = cur.fetchone()
                if row is None:  # ON CONFLICT … WHERE refused: another pack took the ref meanwhile
                    raise _owned_elsewhere(plan, "workflow definition")
                plan.result.workflow_def_id, plan.result.created = int(row[0]), bool(row[1])
                cur.nextset()
            cur.executemany(_ACTION_UPSERT, [_action_row(p) for p in plans], returning=True)
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
                    for stage, sql, params in (("definition", _DEFINITION_UPSERT, _definition_row(plan)),
                                               ("action", _ACTION_UPSERT, None)):
                        try:
                            with self.conn.transaction():
                                if params is None:
                                    params = _action_row(plan)
                                cur.execute(sql, params)
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
        return _row_error(exc, plan, stage)


# -- SQL and rows ------------------------------------------------------------------------------

_PACK_UPSERT = """
INSERT INTO attune.pack (ref, label, description, version, conf_schema, config, meta, tags,
                         runtime_deps, dependencies, is_standard)
VALUES (%(ref)s, %(label)s, %(description)s, %(version)s, %(conf_schema)s, %(config)s, %(meta)s,
        %(tags)s::text[], %(runtime_deps)s::text[], %(dependencies)s::text[], %(is_standard)s)
ON CONFLICT (ref) DO UPDATE SET
    label = EXCLUDED.label, description = EXCLUDED.description, version = EXCLUDED.version,
    conf_schema = EXCLUDED.conf_schema, config = EXCLUDED.config, meta = EXCLUDED.meta,
    tags = EXCLUDED.tags, runtime_deps = EXCLUDED.runtime_deps,
    dependencies = EXCLUDED.dependencies, is_standard = EXCLUDED.is_standard
RETURNING id
"""

# The platform's UPDATE keeps the old description/schemas when the new value is None.
_DEFINITION_UPSERT = """
INSERT INTO attune.workflow_definition AS wd
    (ref, pack, pack_ref, label, description, version, param_schema, out_schema, definition, tags)
VALUES (%(ref)s, %(pack)s, %(pack_ref)s, %(label)s, %(description)s, %(version)s,
        %(param_schema)s, %(out_schema)s, %(definition)s, %(tags)s::text[])
ON CONFLICT (ref) DO UPDATE SET
    label = EXCLUDED.label,
    description = COALESCE(EXCLUDED.description, wd.description),
    version = EXCLUDED.version,
    param_schema = COALESCE(EXCLUDED.param_schema, wd.param_schema),
    out_schema = COALESCE(EXCLUDED.out_schema, wd.out_schema),
    definition = EXCLUDED.definition,
    tags = EXCLUDED.tags,
    retired_at = NULL
WHERE wd.pack = EXCLUDED.pack
RETURNING id, (xmax = 0) AS created
"""

_ACTION_UPSERT = """
INSERT INTO attune.action AS a
    (ref, pack, pack_ref, label, description, entrypoint, runtime, param_schema, out_schema,
     enabled, reference_visibility, reference_allowed_pack_refs,
     default_execution_permission_set_refs, workflow_def)
VALUES (%(ref)s, %(pack)s, %(pack_ref)s, %(label)s, %(description)s, %(entrypoint)s, NULL,
        %(param_schema)s, %(out_schema)s, %(enabled)s, %(reference_visibility)s,
        %(reference_allowed_pack_refs)s::text[], %(default_execution_permission_set_refs)s::text[],
        %(workflow_def)s)
ON CONFLICT (ref) DO UPDATE SET
    label = EXCLUDED.label,
    description = COALESCE(EXCLUDED.description, a.description),
    entrypoint = EXCLUDED.entrypoint,
    runtime = NULL,
    param_schema = COALESCE(EXCLUDED.param_schema, a.param_schema),
    out_schema = COALESCE(EXCLUDED.out_schema, a.out_schema),
    enabled = EXCLUDED.enabled,
    reference_visibility = EXCLUDED.reference_visibility,
    reference_allowed_pack_refs = EXCLUDED.reference_allowed_pack_refs,
    default_execution_permission_set_refs = EXCLUDED.default_execution_permission_set_refs,
    workflow_def = EXCLUDED.workflow_def,
    retired_at = NULL
WHERE a.pack = EXCLUDED.pack
RETURNING id
"""


def _json(value: Any) -> Any:
    return None if value is None else Jsonb(value)


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _pack_row(pack: Pack) -> dict[str, Any]:
    data = pack.manifest_data if isinstance(pack.manifest_data, dict) else {}
    label = data.get("label") or data.get("name") or pack.ref
    mapping = lambda key: data.get(key) if isinstance(data.get(key), dict) else {}  # noqa: E731
    return {
        "ref": pack.ref,
        "label": yaml_text(label),
        "description": yaml_text(data.get("description")),
        "version": yaml_text(data.get("version")),
        "conf_schema": Jsonb(mapping("conf_schema")),
        "config": Jsonb(mapping("config")),
        "meta": Jsonb(mapping("meta")),
        "tags": _strings(data.get("tags")),
        "runtime_deps": _strings(data.get("runtime_deps")),
        # A map here (as in real manifests) is not a list of pack refs: store none.
        "dependencies": _strings(data.get("dependencies")),
        "is_standard": data.get("system") is True,
    }


def _definition_row(plan: _Plan) -> dict[str, Any]:
    s = plan.stored
    return {
        "ref": s.ref, "pack": plan.pack_id, "pack_ref": s.pack_ref, "label": s.label,
        "description": s.description, "version": s.version,
        "param_schema": _json(s.param_schema), "out_schema": _json(s.out_schema),
        "definition": Jsonb(s.definition), "tags": s.tags,
    }


def _action_row(plan: _Plan) -> dict[str, Any]:
    a = plan.stored.action
    return {
        "ref": a["ref"], "pack": plan.pack_id, "pack_ref": plan.stored.pack_ref,
        "label": a["label"], "description": a["description"], "entrypoint": a["entrypoint"],
        "param_schema": _json(a["param_schema"]), "out_schema": _json(a["out_schema"]),
        "enabled": a["enabled"], "reference_visibility": a["reference_visibility"],
        "reference_allowed_pack_refs": a["reference_allowed_pack_refs"],
        "default_execution_permission_set_refs": a["default_execution_permission_set_refs"],
        "workflow_def": plan.result.workflow_def_id,
    }


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


def _row_error(exc: psycopg.DatabaseError, plan: _Plan, stage: str) -> RegistrationError:
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
        key = "version" if constraint and "version" in constraint else "ref"
        reason = f"{table} check constraint {constraint} refuses the value: {diag.message_primary}"
    elif isinstance(exc, pg_errors.NotNullViolation):
        key = _COLUMN_KEYS.get(column or "", "ref")
        reason = f"{table}.{column} must have a value; '{key}' is missing or null"
    elif isinstance(exc, pg_errors.UniqueViolation):
        reason = f"{table} ref is already taken: {diag.message_detail or reason}"
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
