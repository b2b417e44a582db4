"""Build a database from a folder of Attune migrations, the way Attune's sqlx runner does.

``apply_migrations(conn, folder)``:

* creates schema ``attune`` and sets ``search_path = attune, public`` (Attune's runner
  pins it so; the newer migrations have no ``SET search_path`` line of their own);
* creates sqlx's bookkeeping table ``_sqlx_migrations`` first (in ``attune``, unless
  ``public`` already has one), with sqlx's columns;
* applies every ``<version>_<description>.sql`` (``.up.sql``; ``.down.sql`` ignored)
  whose version is not recorded yet, in version order, each file in one transaction
  (sqlx's ``-- no-transaction`` opt-out is not supported), and records it with its
  SHA-384 checksum and execution time, as sqlx does. A recorded version whose file
  changed is an error, as in sqlx.

Both Attune lineages call TimescaleDB (the extension, hypertables, compression and
retention policies, continuous aggregates), which a plain PostgreSQL server does not
have. When the server lacks the extension, a failing statement that needs it (or that
uses an object created by a skipped statement) is skipped inside the file's transaction
(a SAVEPOINT per statement) and listed in ``MigrationReport.skipped``; ``pack``,
``action`` and ``workflow_definition`` never depend on them. ``strict=True`` makes any
failure fatal. Any other failing statement stops with ``MigrationError`` naming the
file, the line, the statement and the server's error.
"""
from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from attune_lint.registrar.sqlsplit import Statement, code_text, split_statements

ENV = "ATTUNE_MIGRATIONS"
_FILE = re.compile(r"^(\d+)_(.+?)(\.up)?\.sql$")
_LOCK_KEY = "attune_lint.migrations"
_TIMESCALE = re.compile(
    r"\b(timescaledb\w*|create_hypertable|(add|remove)_\w*policy|time_bucket\w*|\w*hypertable\w*|"
    r"\w*continuous_aggregate\w*|(show|drop|compress|decompress)_chunks?\b|set_chunk_time_interval|"
    r"set_integer_now_func|timescaledb_information|_timescaledb_\w+)", re.IGNORECASE)
# The object a CREATE statement names. An anonymous index (CREATE INDEX ON t ...) names
# none: the lookahead keeps the keyword ON (or USING) from being taken for a name, which
# would then excuse any later failing statement that says ON.
_CREATES = re.compile(
    r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:UNIQUE\s+)?"
    r"(?:MATERIALIZED\s+VIEW|VIEW|TABLE|FUNCTION|PROCEDURE|INDEX)\s+(?:CONCURRENTLY\s+)?"
    r"(?:IF\s+NOT\s+EXISTS\s+)?(?!(?:ON|USING)\b)([\w.\"]+)", re.IGNORECASE)


class MigrationError(Exception):
    """A migration failed; its file's transaction was rolled back."""

    def __init__(self, message: str, *, file: str = "", line: int = 0, statement: str = "",
                 error: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.statement = statement
        self.error = error


@dataclass(frozen=True)
class MigrationFile:
    version: int
    description: str
    path: Path

    def read(self) -> bytes:
        return self.path.read_bytes()


@dataclass(frozen=True)
class SkippedStatement:
    """A statement left out because the server has no TimescaleDB."""

    file: str
    line: int
    statement: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.statement} ({self.reason})"


@dataclass
class MigrationReport:
    folder: Path
    applied: list[MigrationFile] = field(default_factory=list)
    already: int = 0
    skipped: list[SkippedStatement] = field(default_factory=list)
    timescaledb: bool = False

    def describe(self) -> str:
        text = (f"{len(self.applied)} Attune migration(s) applied from {self.folder}"
                f" ({self.already} already recorded)")
        if self.skipped:
            text += f"; {len(self.skipped)} TimescaleDB statement(s) skipped"
        return text


def migration_files(folder: Path) -> list[MigrationFile]:
    """The migrations of ``folder`` in version order (MigrationError when there are none
    or two share a version)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise MigrationError(f"the migrations folder {folder} does not exist")
    found: dict[int, MigrationFile] = {}
    for path in sorted(folder.iterdir()):
        match = _FILE.match(path.name)
        if not match or not path.is_file() or path.name.endswith(".down.sql"):
            continue
        version = int(match.group(1))
        if version in found:
            raise MigrationError(f"two migrations in {folder} have version {version}: "
                                 f"{found[version].path.name} and {path.name}")
        found[version] = MigrationFile(version, match.group(2).replace("_", " "), path)
    if not found:
        raise MigrationError(f"no migrations (<version>_<description>.sql) in {folder}")
    return [found[v] for v in sorted(found)]


def needs_timescale(statement: str, skipped_objects: set[str]) -> str | None:
    """Why ``statement`` cannot run without TimescaleDB, or None."""
    code = code_text(statement)
    match = _TIMESCALE.search(code)
    if match:
        return f"needs TimescaleDB: {match.group(0)}"
    words = {w.lower() for w in re.findall(r"[A-Za-z_][\w]*", code)}
    depends = sorted(skipped_objects & words)
    if depends:
        return f"uses {depends[0]}, created by a skipped statement"
    return None


def _server_error(exc: BaseException) -> str:
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) or (str(exc).strip().splitlines() or [""])[0]
    sqlstate = getattr(exc, "sqlstate", None)
    return f"{primary} (SQLSTATE {sqlstate})" if sqlstate else primary


def apply_migrations(conn: Any, folder: Path | str, *, strict: bool = False) -> MigrationReport:
    """Apply the pending migrations of ``folder`` through ``conn``.

    With an autocommit connection every file is its own transaction, committed as it
    goes (sqlx's behaviour); inside an open transaction every file is a savepoint of it
    (a dry run rolls all of them back together).
    """
    files = migration_files(Path(folder))
    report = MigrationReport(Path(folder))
    # Two appliers on one server (two test workers) must not apply a file twice.
    session_lock = bool(conn.autocommit)
    conn.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))" if session_lock
                 else "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (_LOCK_KEY,))
    try:
        return _apply_all(conn, files, report, strict)
    finally:
        if session_lock and not conn.closed:
            conn.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (_LOCK_KEY,))


def _apply_all(conn: Any, files: list[MigrationFile], report: MigrationReport, strict: bool) -> MigrationReport:
    from psycopg import sql

    with conn.transaction():
        conn.execute("CREATE SCHEMA IF NOT EXISTS attune")
        docker = conn.execute("SELECT to_regclass('attune._migrations') IS NOT NULL AND "
                              "to_regclass('attune._sqlx_migrations') IS NULL AND "
                              "to_regclass('public._sqlx_migrations') IS NULL").fetchone()[0]
        if docker:
            raise MigrationError("this database was migrated by Attune's Docker runner (attune._migrations), "
                                 "not by sqlx: applying the folder again would redo every file; use "
                                 "--use-existing-schema to register into it as it is")
        history = "public" if conn.execute(
            "SELECT to_regclass('public._sqlx_migrations') IS NOT NULL "
            "AND to_regclass('attune._sqlx_migrations') IS NULL").fetchone()[0] else "attune"
        table = sql.Identifier(history, "_sqlx_migrations")
        conn.execute(sql.SQL(
            "CREATE TABLE IF NOT EXISTS {} (version BIGINT PRIMARY KEY, description TEXT NOT NULL, "
            "installed_on TIMESTAMPTZ NOT NULL DEFAULT now(), success BOOLEAN NOT NULL, "
            "checksum BYTEA NOT NULL, execution_time BIGINT NOT NULL)").format(table))
        report.timescaledb = bool(conn.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')").fetchone()[0])
        recorded = {int(v): (bytes(c), bool(s)) for v, c, s in conn.execute(
            sql.SQL("SELECT version, checksum, success FROM {}").format(table)).fetchall()}
    path_setting = "attune, public" if history == "attune" else "public, attune"
    skipped_objects: set[str] = set()
    for migration in files:
        data = migration.read()
        checksum = hashlib.sha384(data).digest()
        if migration.version in recorded:
            old, success = recorded[migration.version]
            if not success:
                raise MigrationError(f"migration {migration.path.name} is recorded as failed in "
                                     f"{history}._sqlx_migrations; fix the database first")
            if old != checksum:
                raise MigrationError(f"migration {migration.path.name} was applied but has been "
                                     "modified since (its checksum differs)")
            report.already += 1
            continue
        _apply_file(conn, migration, data, checksum, table, path_setting, strict, report, skipped_objects)
        report.applied.append(migration)
    conn.execute("SELECT set_config('search_path', %s, false)", ("attune, public",))
    return report


def _apply_file(conn: Any, migration: MigrationFile, data: bytes, checksum: bytes, table: Any,
                path_setting: str, strict: bool, report: MigrationReport, skipped_objects: set[str]) -> None:
    import psycopg
    from psycopg import sql

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MigrationError(f"{migration.path.name} is not UTF-8: {exc}", file=migration.path.name) from None
    statements = split_statements(text)
    started = time.perf_counter_ns()
    with conn.transaction():
        # SET LOCAL: a migration's own `SET search_path` lasts for its file only.
        conn.execute("SELECT set_config('search_path', %s, true)", (path_setting,))
        for statement in statements:
            _run_statement(conn, migration, statement, strict, report, skipped_objects, psycopg)
        elapsed = time.perf_counter_ns() - started
        conn.execute(sql.SQL(
            "INSERT INTO {} (version, description, success, checksum, execution_time) "
            "VALUES (%s, %s, TRUE, %s, %s)").format(table),
            (migration.version, migration.description, checksum, elapsed))


def _run_statement(conn: Any, migration: MigrationFile, statement: Statement, strict: bool,
                   report: MigrationReport, skipped_objects: set[str], psycopg: Any) -> None:
    try:
        with conn.transaction():  # a savepoint: a skipped statement leaves no trace
            conn.execute(statement.text.encode("utf-8"), prepare=False)
        return
    except psycopg.OperationalError:
        raise
    except psycopg.Error as exc:
        error = _server_error(exc)
        reason = None if (strict or report.timescaledb) else needs_timescale(statement.text, skipped_objects)
        if reason is None:
            raise MigrationError(
                f"migration {migration.path.name} failed at line {statement.line}: {statement.summary}: "
                f"{error}", file=migration.path.name, line=statement.line, statement=statement.summary,
                error=error) from None
    created = _CREATES.match(code_text(statement.text))
    if created:
        skipped_objects.add(created.group(1).split(".")[-1].strip('"').lower())
    report.skipped.append(SkippedStatement(migration.path.name, statement.line, statement.summary,
                                           f"{reason}; the server said: {error}"))
