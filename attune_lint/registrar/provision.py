"""Find a PostgreSQL database to register into, in a fixed order.

1. an explicit DSN (``--db DSN`` or ``ATTUNE_TEST_DSN``): failing to connect is an
   error, never a fall-through to something else;
2. a testcontainers PostgreSQL when a Docker engine answers (``containers.py``);
3. a throwaway local cluster (``local_cluster.py``);
4. none, with the reason every backend gave.

Mode ``auto`` returns the "none" result (callers skip); mode ``require`` raises
DatabaseUnavailable with the reasons (CI fails instead of skipping).
"""
from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Mapping

from attune_lint.registrar.errors import ConnectionFailed, DatabaseUnavailable

Mode = Literal["auto", "require"]
Backend = Literal["dsn", "docker", "local", "none"]
DSN_ENV = "ATTUNE_TEST_DSN"
MODE_ENV = "ATTUNE_TEST_DB_MODE"
CONNECT_TIMEOUT_SECONDS = 5


@dataclass
class ProvisionedDatabase:
    """The outcome: a DSN and the backend that gave it, or none and why.

    ``reasons`` lists why earlier backends were passed over (also when one succeeded,
    e.g. "docker: no engine" before the local cluster). ``stop()`` stops what was
    started (a container or a cluster); an explicit DSN is left alone.
    """

    dsn: str | None
    backend: Backend
    reasons: list[str] = field(default_factory=list)
    _stop: Callable[[], None] | None = field(default=None, repr=False)

    @property
    def available(self) -> bool:
        return self.dsn is not None

    def stop(self) -> None:
        stop, self._stop = self._stop, None
        if stop is not None:
            stop()

    def describe(self) -> str:
        if self.dsn is None:
            return "no database: " + "; ".join(self.reasons)
        return {"dsn": f"PostgreSQL at {redact_dsn(self.dsn)}",
                "docker": "a PostgreSQL container (testcontainers)",
                "local": "a throwaway local PostgreSQL cluster"}.get(self.backend, self.backend)


def parse_db_option(value: str | None) -> tuple[Mode, str | None]:
    """``auto``/``require``/empty → (mode, None); anything else is a DSN (mode require)."""
    text = (value or "auto").strip()
    if text in ("auto", "require"):
        return text, None  # type: ignore[return-value]
    return "require", text


def redact_dsn(dsn: str) -> str:
    """``host:port/dbname`` as user, without the password, for messages."""
    try:
        from psycopg.conninfo import conninfo_to_dict

        parts = conninfo_to_dict(dsn)
    except Exception:  # an unparsable DSN: show nothing that might be secret
        return "<unparsable DSN>"
    host = parts.get("host") or parts.get("hostaddr") or "localhost"
    where = f"{host}:{parts.get('port') or 5432}/{parts.get('dbname') or ''}"
    return f"{where} as {parts['user']}" if parts.get("user") else where


def check_connection(dsn: str, timeout: int = CONNECT_TIMEOUT_SECONDS) -> None:
    """Connect once; ConnectionFailed with the server's reason when that fails."""
    import psycopg

    try:
        with psycopg.connect(dsn, connect_timeout=timeout) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise ConnectionFailed(redact_dsn(dsn), detail) from None


def _docker_backend(reasons: list[str], pg_image: str | None = None,
                    pg_network: str | None = None) -> ProvisionedDatabase | None:
    try:
        containers: Any = importlib.import_module(".containers", __package__)
        unavailable = containers.docker_unavailable_reason
        settings_from_env = containers.settings_from_env
        start = containers.start_postgres_container
    except ImportError as exc:
        reasons.append(f"no docker backend: {exc}")
        return None
    except AttributeError as exc:
        reasons.append(f"no docker backend: containers module is incomplete ({exc})")
        return None
    try:
        reason = unavailable()
    except Exception as exc:  # asking must not break provisioning
        reason = f"could not ask the Docker engine: {exc}"
    if reason:
        reasons.append(f"docker: {reason}")
        return None
    try:
        running = start(settings_from_env(pg_image, pg_network))
    except Exception as exc:  # ContainerError and whatever the engine throws
        reasons.append(f"docker: the PostgreSQL container did not start: {exc}")
        return None
    return ProvisionedDatabase(running.dsn, "docker", list(reasons), running.stop)


def _local_backend(reasons: list[str]) -> ProvisionedDatabase | None:
    from attune_lint.registrar.local_cluster import LocalClusterError, start_local_cluster

    try:
        cluster = start_local_cluster()
    except LocalClusterError as exc:
        reasons.append(f"local cluster: {exc}")
        return None
    return ProvisionedDatabase(cluster.dsn, "local", list(reasons), cluster.stop)


def provision_database(db: str | None = "auto", *, env: Mapping[str, str] | None = None,
                       docker: bool = True, local: bool = True, pg_image: str | None = None,
                       pg_network: str | None = None) -> ProvisionedDatabase:
    """A database per the order above.

    ``db`` is ``auto``, ``require`` or a DSN (a DSN always requires). Without an explicit
    DSN, ``ATTUNE_TEST_DSN`` from ``env`` (default: the process environment) is one.
    ``docker``/``local`` switch the two throwaway backends off (their absence is then a
    reason like any other). ``pg_image``/``pg_network`` choose the container's image and
    network (``--attune-pg-image``/``--attune-pg-network``); None falls back to
    ``ATTUNE_PG_IMAGE``/``ATTUNE_PG_NETWORK``, then the defaults. Raises ConnectionFailed
    when an explicit DSN does not connect, DatabaseUnavailable in ``require`` mode when
    nothing was found.
    """
    env = os.environ if env is None else env
    mode, dsn = parse_db_option(db)
    if dsn is None and env.get(DSN_ENV, "").strip():
        dsn = env[DSN_ENV].strip()
    if dsn is not None:
        check_connection(dsn)
        return ProvisionedDatabase(dsn, "dsn")
    reasons: list[str] = [f"no DSN given (--db DSN or {DSN_ENV})"]
    found = _docker_backend(reasons, pg_image, pg_network) if docker else None
    if found is None and not docker:
        reasons.append("docker: backend switched off")
    if found is None:
        if local:
            found = _local_backend(reasons)
        else:
            reasons.append("local cluster: backend switched off")
    if found is not None:
        return found
    if mode == "require":
        raise DatabaseUnavailable(reasons)
    return ProvisionedDatabase(None, "none", reasons)
