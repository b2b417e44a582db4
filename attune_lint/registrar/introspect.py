"""What the database in front of us really is: the tables registration writes, read
from the catalog, and the Attune migration it was built to.

Attune's schema changed between versions (the June 2026 lineage has no ``retired_at``,
``action.enabled`` or visibility columns; the newest one has an enum for the
visibility, CHECKs and generated columns). The registrar therefore writes only the
columns that exist, casts every value to the column's own type, never writes a
generated column, and refuses up front (``IncompatibleDatabase``) a database that lacks
a column it cannot do without.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from attune_lint.registrar.errors import RegistrationError

SCHEMA = "attune"
TABLES = ("pack", "workflow_definition", "action")
# Without these a row cannot be written or found again.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "pack": ("id", "ref", "label", "version"),
    "workflow_definition": ("id", "ref", "pack", "pack_ref", "label", "version", "definition"),
    "action": ("id", "ref", "pack", "pack_ref", "label", "entrypoint", "workflow_def"),
}
JSON_TYPES = ("json", "jsonb")


class IncompatibleDatabase(RegistrationError):
    """The database is not one the registrar can write to (missing tables or columns,
    an undefined column or relation at run time). Not about a YAML file: no location."""


@dataclass(frozen=True)
class Column:
    """One column as the catalog describes it."""

    name: str
    type_name: str          # format_type(), for messages
    type_schema: str        # the (element) type's schema and name, for the cast
    type_base: str
    is_array: bool
    is_enum: bool
    not_null: bool
    has_default: bool
    generated: bool
    identity: bool

    @property
    def is_json(self) -> bool:
        return not self.is_array and self.type_base in JSON_TYPES

    @property
    def writable(self) -> bool:
        return not self.generated

    def cast(self) -> Any:
        """``schema.type`` (``[]`` for an array), built from catalog names only."""
        from psycopg import sql

        text = sql.Identifier(self.type_schema, self.type_base)
        return sql.Composed([text, sql.SQL("[]")]) if self.is_array else text


@dataclass
class AttuneSchema:
    """The tables of schema ``attune`` that registration touches, and its version."""

    tables: dict[str, dict[str, Column]] = field(default_factory=dict)
    version: str = "unknown version"

    def columns(self, table: str) -> dict[str, Column]:
        return self.tables.get(table, {})

    def has(self, table: str, column: str) -> bool:
        col = self.tables.get(table, {}).get(column)
        return col is not None and col.writable

    def missing(self, required: dict[str, tuple[str, ...]] | None = None) -> list[str]:
        """``table.column`` (or ``table``) names the registrar needs and cannot find."""
        out: list[str] = []
        for table, columns in (required or REQUIRED_COLUMNS).items():
            if table not in self.tables:
                out.append(f"{SCHEMA}.{table} (table)")
                continue
            out.extend(f"{table}.{c}" for c in columns if c not in self.tables[table])
        return out

    def unfillable(self, written: dict[str, set[str]]) -> list[str]:
        """NOT NULL columns without a default that the registrar does not write."""
        out: list[str] = []
        for table, columns in self.tables.items():
            for col in columns.values():
                if (col.not_null and not col.has_default and not col.generated and not col.identity
                        and col.name not in written.get(table, set()) and col.name != "id"):
                    out.append(f"{table}.{col.name} ({col.type_name} NOT NULL, no default)")
        return out

    def require(self, written: dict[str, set[str]] | None = None) -> None:
        """IncompatibleDatabase naming every missing column and the detected version."""
        problems = self.missing()
        if not problems and written is not None:
            problems = self.unfillable(written)
            if problems:
                raise IncompatibleDatabase(
                    f"incompatible Attune database ({self.version}): attune-lint cannot fill "
                    + ", ".join(problems))
        if problems:
            raise IncompatibleDatabase(
                f"incompatible Attune database ({self.version}): missing "
                + ", ".join(problems) + "; attune-lint cannot register without them")


_COLUMNS_SQL = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.atthasdef,
       a.attgenerated <> '', a.attidentity <> '', t.typtype = 'e' OR COALESCE(et.typtype = 'e', FALSE),
       et.oid IS NOT NULL, COALESCE(etn.nspname, tn.nspname), COALESCE(et.typname, t.typname)
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
LEFT JOIN pg_catalog.pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
LEFT JOIN pg_catalog.pg_namespace etn ON etn.oid = et.typnamespace
WHERE n.nspname = %s AND c.relname = ANY(%s::text[]) AND c.relkind IN ('r', 'p')
  AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum
"""


def read_schema(conn: Any) -> AttuneSchema:
    """The tables and the migration version, from the catalog (read-only)."""
    schema = AttuneSchema()
    for row in conn.execute(_COLUMNS_SQL, (SCHEMA, list(TABLES)), prepare=False).fetchall():
        table, name, type_name, not_null, has_default, generated, identity, is_enum, is_array, tschema, tbase = row
        schema.tables.setdefault(table, {})[name] = Column(
            name, type_name, tschema, tbase, bool(is_array), bool(is_enum), bool(not_null),
            bool(has_default), bool(generated), bool(identity))
    schema.version = migration_version(conn)
    return schema


def migration_version(conn: Any) -> str:
    """The Attune schema version, from sqlx's ``_sqlx_migrations`` (schema attune or
    public) or the Docker runner's ``attune._migrations``."""
    from psycopg import sql

    for where in (SCHEMA, "public"):
        found = conn.execute("SELECT to_regclass(%s)", (f"{where}._sqlx_migrations",), prepare=False).fetchone()[0]
        if found is None:
            continue
        table = sql.Identifier(where, "_sqlx_migrations")
        row = conn.execute(sql.SQL(
            "SELECT max(version), count(*), (SELECT description FROM {} WHERE success "
            "ORDER BY version DESC LIMIT 1) FROM {} WHERE success").format(table, table), prepare=False).fetchone()
        if row[0] is None:
            return f"{where}._sqlx_migrations is empty: no Attune migration applied"
        return (f"Attune schema at migration {row[0]} ({row[2]}), {row[1]} applied, "
                f"per {where}._sqlx_migrations")
    if conn.execute("SELECT to_regclass(%s)", (f"{SCHEMA}._migrations",), prepare=False).fetchone()[0] is not None:
        table = sql.Identifier(SCHEMA, "_migrations")
        row = conn.execute(sql.SQL("SELECT max(filename), count(*) FROM {}").format(table), prepare=False).fetchone()
        if row[0] is not None:
            return f"Attune schema at migration {row[0]}, {row[1]} applied, per {SCHEMA}._migrations"
    return "no Attune migration history (_sqlx_migrations): a schema made by attune-lint or by hand"


def adapt(column: Column, value: Any) -> Any:
    """``value`` as the column's type wants it (jsonb, text[], enum/text, scalar)."""
    from psycopg.types.json import Json, Jsonb

    if value is None:
        return None
    if column.is_json:
        return Jsonb(value) if column.type_base == "jsonb" else Json(value)
    if column.is_array:
        if isinstance(value, dict):
            value = list(value)
        if not isinstance(value, list):
            return []
        return [v if isinstance(v, str) else str(v) for v in value if v is not None]
    if isinstance(value, (dict, list)):
        return Jsonb(value)  # refused by the cast, reported at its key
    return value
