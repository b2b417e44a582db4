"""The pieces of the database stage that need neither pytester nor a database."""
from __future__ import annotations

from typing import Any

import pytest

from attune_lint.registrar import containers
from attune_lint.registrar.provision import provision_database
from pytest_attune.register_item import differences_between


def test_differences_name_each_differing_leaf() -> None:
    stored = {"tasks": [{"name": "a", "input": {"n": 1}}, {"name": "b"}], "vars": {}, "extra": True}
    expected = {"tasks": [{"name": "a", "input": {"n": 1.0}}, {"name": "c"}, {"name": "d"}], "vars": {},
                "label": "L"}
    assert list(differences_between(stored, expected, "definition")) == [
        "definition.extra: stored True, not in the normalised model",
        "definition.label: missing in the stored row, expected 'L'",
        # 1 and 1.0 are equal in Python but not the same JSON value.
        "definition.tasks[0].input.n: stored 1, expected 1.0",
        "definition.tasks[1].name: stored 'b', expected 'c'",
        "definition.tasks: stored 2 items, expected 3",
    ]
    assert list(differences_between(expected, expected, "definition")) == []
    assert list(differences_between({"when": None}, {"when": []}, "d")) == ["d.when: stored None, expected []"]


class Started(Exception):
    pass


def test_provision_passes_image_and_network_to_the_container_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []

    def start(settings: containers.ContainerSettings) -> None:
        seen.append(settings)
        raise Started(f"{settings.image} {settings.network}")

    monkeypatch.setattr(containers, "docker_unavailable_reason", lambda: None)
    monkeypatch.setattr(containers, "start_postgres_container", start)
    monkeypatch.setenv(containers.ENV_IMAGE, "env/postgres:1")
    monkeypatch.setenv(containers.ENV_NETWORK, "bridge")

    found = provision_database("auto", env={}, local=False, pg_image="mirror/pg:15", pg_network="host")
    assert seen == [containers.ContainerSettings(image="mirror/pg:15", network="host")]
    assert found.reasons[1] == "docker: the PostgreSQL container did not start: mirror/pg:15 host"
    # Without the arguments (the existing callers) the environment decides.
    provision_database("auto", env={}, local=False)
    assert seen[1] == containers.ContainerSettings(image="env/postgres:1", network="bridge")


def test_a_missing_database_is_asked_for_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from attune_lint.registrar import provision
    from pytest_attune.database import AttuneDatabase, NoDatabase

    calls: list[tuple[Any, ...]] = []

    def nothing(db: str, **kwargs: Any) -> provision.ProvisionedDatabase:
        calls.append((db, kwargs))
        return provision.ProvisionedDatabase(None, "none", ["docker: off", "local cluster: off"])

    monkeypatch.setattr(provision, "provision_database", nothing)
    database = AttuneDatabase(None, pg_image="img", pg_network="host")
    for _ in range(2):
        with pytest.raises(NoDatabase) as raised:
            database.dsn()
        assert (raised.value.reason, raised.value.fatal) == ("no database: docker: off; local cluster: off", False)
    # The fixtures' default is auto; the container options are passed on.
    assert calls == [("auto", {"pg_image": "img", "pg_network": "host"})]


def test_close_stops_the_database_it_started() -> None:
    psycopg = pytest.importorskip("psycopg")
    from plugin_db_kit import db_mode
    from pytest_attune.database import AttuneDatabase, NoDatabase

    database = AttuneDatabase(db_mode())
    try:
        dsn = database.dsn()
    except NoDatabase as exc:
        if db_mode() == "require" or exc.fatal:
            pytest.fail(exc.reason)
        pytest.skip(exc.reason)
    try:
        assert database.provisioned is not None
        if database.provisioned.backend == "dsn":
            pytest.skip("ATTUNE_TEST_DSN names a server of its own, which is never stopped")
        assert database.connection().execute("SELECT count(*) FROM attune.pack").fetchone() is not None
    finally:
        database.close()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(dsn, connect_timeout=3).close()
    database.close()  # twice is harmless
