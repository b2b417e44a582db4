"""The registration schema shipped with the package, applied or checked."""
from __future__ import annotations

from importlib.resources import files
from typing import Any

from attune_lint.registrar.errors import RegistrationError

SCHEMA_NAME = "attune"
REQUIRED_TABLES = ("pack", "workflow_definition", "action")
# Serialises concurrent appliers (two test workers, two CI jobs on one server): DDL
# with IF NOT EXISTS is not safe against a concurrent CREATE of the same object.
_APPLY_LOCK_KEY = "attune_lint.schema"


def schema_sql() -> str:
    """The text of ``attune_lint/sql/attune_schema.sql``."""
    return (files("attune_lint") / "sql" / "attune_schema.sql").read_text(encoding="utf-8")


def apply_schema(conn: Any) -> None:
    """Create (or leave as it is) schema ``attune``; idempotent, in its own transaction."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (_APPLY_LOCK_KEY,))
        conn.execute(schema_sql())


def check_schema(conn: Any) -> None:
    """Verify that an existing database has the tables registration writes to."""
    missing = [
        table for table in REQUIRED_TABLES
        if conn.execute("SELECT to_regclass(%s)", (f"{SCHEMA_NAME}.{table}",)).fetchone()[0] is None
    ]
    if missing:
        raise RegistrationError(
            "the database has no " + ", ".join(f"{SCHEMA_NAME}.{t}" for t in missing)
            + " table; drop --use-existing-schema to create the schema, or point --db at an "
              "Attune database")


def prepare_schema(conn: Any, use_existing: bool = False) -> None:
    """Apply the shipped schema, or (``use_existing``) only check the one that is there."""
    if use_existing:
        check_schema(conn)
    else:
        apply_schema(conn)
