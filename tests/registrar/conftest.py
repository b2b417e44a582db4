"""A real PostgreSQL for the registrar tests, once per session (once per xdist worker).

Provisioned as the product does it (explicit ``ATTUNE_TEST_DSN`` → Docker → local
cluster). ``ATTUNE_TEST_DB_MODE=require`` (CI) turns "no database" into a failure
instead of a skip. Each test gets a connection inside a rollback-only transaction; the
few tests that must commit (several connections or processes) use packs with unique
names and delete them again.
"""
from __future__ import annotations

import os
import textwrap
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

psycopg = pytest.importorskip("psycopg")

from attune_lint.registrar.connection import connect  # noqa: E402
from attune_lint.registrar.errors import ConnectionFailed, DatabaseUnavailable  # noqa: E402
from attune_lint.registrar.provision import MODE_ENV, ProvisionedDatabase, provision_database  # noqa: E402
from attune_lint.registrar.schema import apply_schema  # noqa: E402


@pytest.fixture(scope="session")
def pg_database() -> Iterator[ProvisionedDatabase]:
    mode = os.environ.get(MODE_ENV, "auto").strip() or "auto"
    if mode not in ("auto", "require"):
        pytest.fail(f"{MODE_ENV} must be 'auto' or 'require', not {mode!r}")
    try:
        database = provision_database(mode)
    except (DatabaseUnavailable, ConnectionFailed) as exc:
        pytest.fail(str(exc), pytrace=False)
    if not database.available:
        pytest.skip(database.describe())
    try:
        yield database
    finally:
        database.stop()


@pytest.fixture(scope="session")
def pg_dsn(pg_database: ProvisionedDatabase) -> str:
    """A DSN whose database has the ``attune`` schema (applied and committed once)."""
    assert pg_database.dsn is not None
    with connect(pg_database.dsn) as conn:
        apply_schema(conn)
    return pg_database.dsn


@pytest.fixture
def db(pg_dsn: str) -> Iterator[Any]:
    """A connection inside a transaction that is always rolled back."""
    with psycopg.connect(pg_dsn) as conn:
        with conn.transaction(force_rollback=True):
            yield conn


@pytest.fixture
def unique() -> str:
    """A fresh lowercase suffix for names of committed rows."""
    return uuid.uuid4().hex[:10]


PackMaker = Callable[..., Path]


@pytest.fixture
def make_pack(tmp_path: Path) -> PackMaker:
    """Write a pack: ``make_pack("name", {"workflows/x.yaml": text, ...}, version=...)``.

    Texts are dedented, so tests can state the exact lines their assertions name.
    """

    def make(name: str, files: dict[str, str], *, version: str = '"1.0.0"',
             manifest: str | None = None, folder: str | None = None) -> Path:
        root = tmp_path / (folder or name)
        root.mkdir(parents=True)
        text = manifest if manifest is not None else f"ref: {name}\nlabel: {name.title()}\nversion: {version}\n"
        (root / "pack.yaml").write_text(textwrap.dedent(text))
        for relative, content in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(content).lstrip("\n"))
        return root

    return make
