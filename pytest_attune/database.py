"""The run's PostgreSQL database: provisioned on first use, stopped at the end of the run.

The database is provisioned lazily, once per process: the first register item or
fixture that needs it starts it (explicit DSN → container → local cluster, see
``attune_lint.registrar.provision``), and ``config.add_cleanup`` stops it at the end of
the run. Under pytest-xdist every worker is its own process, so each worker starts its
own container or local cluster; the controller runs no test and starts none.

Nothing here imports psycopg or the registrar at module level: the plugin is loaded in
every pytest run of the environment.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import pytest

from pytest_attune.options import ENV_IMAGE, ENV_NETWORK, NETWORKS, db_setting, migrations_setting

if TYPE_CHECKING:
    import psycopg

    from attune_lint.registrar.provision import ProvisionedDatabase


class NoDatabase(Exception):
    """No database for this run. ``fatal``: fail (``require``, an unreachable DSN, a
    broken schema) rather than skip (``auto``)."""

    def __init__(self, reason: str, fatal: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fatal = fatal


class AttuneDatabase:
    """The run's database: provisioned on first use, schema applied once, stopped by
    ``close()`` (a ``config.add_cleanup``). One per process, so one per xdist worker."""

    def __init__(self, setting: str | None, pg_image: str | None = None,
                 pg_network: str | None = None, migrations: str | None = None,
                 strict_migrations: bool = False) -> None:
        self.setting = setting  # None: off for the register items; the fixtures use "auto"
        self.pg_image = pg_image
        self.pg_network = pg_network
        # A folder of Attune migrations to build the database from, instead of the shipped SQL.
        self.migrations = migrations
        self.strict_migrations = strict_migrations
        self.migration_report: Any = None
        self.provisioned: ProvisionedDatabase | None = None
        self._failure: NoDatabase | None = None
        self._dsn: str | None = None
        self._conn: psycopg.Connection | None = None

    @classmethod
    def from_config(cls, config: pytest.Config) -> AttuneDatabase:
        setting = db_setting(config)
        network = config.getoption("attune_pg_network", None)
        if network is None:
            network = os.environ.get(ENV_NETWORK, "").strip().lower() or None
            # Checked as strictly as the option, but only in runs that use a database: the
            # plugin loads in every run of the environment.
            if setting is not None and network is not None and network not in NETWORKS:
                raise pytest.UsageError(f"{ENV_NETWORK}={network!r}: use one of {', '.join(NETWORKS)}")
        image = config.getoption("attune_pg_image", None) or os.environ.get(ENV_IMAGE, "").strip() or None
        return cls(setting, image, network, migrations_setting(config),
                   bool(config.getoption("attune_strict_migrations", False)))

    def describe(self) -> str:
        if self.provisioned is None:
            return "not started"
        text = self.provisioned.describe()
        passed_over = [r for r in self.provisioned.reasons if not r.startswith("no DSN given")]
        if self.provisioned.available and passed_over:
            text += f" ({'; '.join(passed_over)})"
        report = self.migration_report
        if report is not None:
            text += f"; {report.describe()}"
            text += "".join(f"\n  skipped without TimescaleDB: {s}" for s in report.skipped)
        return text

    def dsn(self) -> str:
        """A DSN whose database has the ``attune`` schema; NoDatabase when there is none.

        Tried once: a failure is remembered, so every item reports the same reason
        without trying again (a local cluster can take a minute to give up).
        """
        if self._failure is not None:
            raise self._failure
        if self._dsn is None:
            try:
                self._dsn = self._provision()
            except NoDatabase as exc:
                self._failure = exc
                raise
        return self._dsn

    def _provision(self) -> str:
        try:
            import psycopg

            from attune_lint.registrar.errors import ConnectionFailed, DatabaseUnavailable
            from attune_lint.registrar.provision import provision_database
            from attune_lint.registrar.connection import connect
            from attune_lint.registrar.schema import apply_schema
        except ImportError as exc:
            raise NoDatabase(f"the database stage needs psycopg 3 ({exc}): "
                             "pip install 'attune-lint[registrar]'", fatal=self.mode == "require") from None
        try:
            self.provisioned = provision_database(self.setting or "auto", pg_image=self.pg_image,
                                                  pg_network=self.pg_network)
        except (ConnectionFailed, DatabaseUnavailable) as exc:
            raise NoDatabase(str(exc), fatal=True) from None
        if not self.provisioned.available or self.provisioned.dsn is None:
            raise NoDatabase(self.provisioned.describe(), fatal=False)
        dsn = self.provisioned.dsn
        if self.migrations:
            self._apply_migrations(dsn)
            return dsn
        try:
            with connect(dsn) as conn:
                apply_schema(conn)  # idempotent; an existing Attune schema is kept as it is
        except psycopg.Error as exc:
            raise NoDatabase(f"cannot apply the attune schema in {self.provisioned.describe()}: "
                             + " ".join(str(exc).split()), fatal=True) from None
        return dsn

    def _apply_migrations(self, dsn: str) -> None:
        import psycopg

        from attune_lint.registrar.connection import connect
        from attune_lint.registrar.migrations import MigrationError, apply_migrations

        assert self.provisioned is not None and self.migrations
        try:
            with connect(dsn, autocommit=True) as conn:
                self.migration_report = apply_migrations(conn, self.migrations, strict=self.strict_migrations)
        except MigrationError as exc:
            raise NoDatabase(f"cannot build the database from the Attune migrations in "
                             f"{self.migrations}: {exc.message}", fatal=True) from None
        except psycopg.Error as exc:
            raise NoDatabase(f"cannot apply the Attune migrations in {self.provisioned.describe()}: "
                             + " ".join(str(exc).split()), fatal=True) from None

    @property
    def mode(self) -> str:
        setting = self.setting or "auto"
        return setting if setting in ("auto", "require") else "require"

    def connection(self) -> psycopg.Connection:
        """The register items' connection (autocommit: each item opens its own
        rollback-only transaction)."""
        from attune_lint.registrar.connection import connect

        if self._conn is None or self._conn.closed:
            self._conn = connect(self.dsn(), autocommit=True)
        return self._conn

    def connect(self) -> psycopg.Connection:
        """A new connection to the run's database (autocommit)."""
        from attune_lint.registrar.connection import connect

        return connect(self.dsn(), autocommit=True)

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - a dead server must not hide the stop below
                pass
        provisioned, self.provisioned = self.provisioned, None
        if provisioned is not None:
            provisioned.stop()


DB_KEY = pytest.StashKey[AttuneDatabase]()


def database_of(config: pytest.Config) -> AttuneDatabase:
    """The run's database, which the plugin's ``pytest_configure`` put on ``config.stash``."""
    database = config.stash.get(DB_KEY, None)
    if database is None:  # configured without our pytest_configure (should not happen)
        database = config.stash[DB_KEY] = AttuneDatabase.from_config(config)
        config.add_cleanup(database.close)
    return database
