"""Connections the registrar opens: always with ``search_path = attune, public``.

Attune's own services set that search path on every connection (``db.rs``
``after_connect``), and its trigger functions rely on it: ``set_component_managed_release``
reads ``pack`` by an unqualified name, so an INSERT into ``attune.action`` from a session
without ``attune`` on its search path fails with ``relation "pack" does not exist``.
The registrar therefore connects with ``options=-c search_path=attune,public`` (merged
with any ``options`` the DSN or ``PGOPTIONS`` already carries) and, for connections it
is handed by others, sets the path for the length of its own transaction.
"""
from __future__ import annotations

import os
from typing import Any

SEARCH_PATH = "attune, public"
_OPTION = "-c search_path=attune,public"


def search_path_options(dsn: str) -> str:
    """The libpq ``options`` for ``dsn`` with our search path appended (the DSN's own
    options, else ``PGOPTIONS``, are kept; a later ``-c`` wins in PostgreSQL)."""
    try:
        from psycopg.conninfo import conninfo_to_dict

        existing = conninfo_to_dict(dsn).get("options") or ""
    except Exception:  # an unparsable DSN: psycopg.connect will say why
        existing = ""
    existing = str(existing or os.environ.get("PGOPTIONS", "")).strip()
    return f"{existing} {_OPTION}".strip()


def connect(dsn: str, **kwargs: Any) -> Any:
    """``psycopg.connect(dsn, **kwargs)`` with the search path set for the session."""
    import psycopg

    kwargs.setdefault("options", search_path_options(dsn))
    return psycopg.connect(dsn, **kwargs)


def set_local_search_path(conn: Any) -> None:
    """``attune, public`` until the current transaction ends (for connections that were
    opened by someone else, e.g. a test's rollback-only connection)."""
    conn.execute("SELECT set_config('search_path', %s, true)", (SEARCH_PATH,), prepare=False)


# How long a statement may wait for a table lock before the registration gives up (a
# migration, a VACUUM FULL or another session's open transaction may hold it): the
# registrar would otherwise wait forever. ATTUNE_LOCK_TIMEOUT changes it (PostgreSQL units:
# "30s", "2min", "500ms").
DEFAULT_LOCK_TIMEOUT = "30s"


def lock_timeout() -> str:
    return os.environ.get("ATTUNE_LOCK_TIMEOUT", "").strip() or DEFAULT_LOCK_TIMEOUT


def set_local_lock_timeout(conn: Any) -> None:
    """The lock timeout until the current transaction ends."""
    conn.execute("SELECT set_config('lock_timeout', %s, true)", (lock_timeout(),), prepare=False)
