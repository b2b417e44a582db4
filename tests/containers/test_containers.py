"""The testcontainers backend, run against a real Docker engine (issue 9).

Tests marked ``docker`` skip when no engine answers, or fail with
``ATTUNE_TEST_DOCKER=require`` (CI). The others run everywhere.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from attune_lint.registrar import containers
from attune_lint.registrar.containers import (
    ContainerError,
    ContainerSettings,
    RunningPostgres,
    docker_unavailable_reason,
    settings_from_env,
    start_postgres_container,
)
from attune_lint.document.reader import read_yaml_file
from attune_lint.document.tree import to_python

SCHEMA_SQL = Path(containers.__file__).resolve().parents[1] / "sql" / "attune_schema.sql"
# A registry on a closed loopback port: the pull fails at once and nothing leaves the machine.
MISSING_IMAGE = "127.0.0.1:1/attune-lint/no-such-postgres:0"


def container_exists(client: Any, container_id: str) -> bool:
    import docker.errors

    try:
        client.containers.get(container_id)
    except docker.errors.NotFound:
        return False
    return True


def conninfo(dsn: str) -> dict[str, str]:
    from psycopg.conninfo import conninfo_to_dict

    return {k: str(v) for k, v in conninfo_to_dict(dsn).items()}


# -- options ---------------------------------------------------------------------------------

def test_settings_arguments_beat_environment_beat_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ATTUNE_PG_IMAGE", raising=False)
    monkeypatch.delenv("ATTUNE_PG_NETWORK", raising=False)
    assert settings_from_env() == ContainerSettings(containers.DEFAULT_IMAGE, "bridge")
    assert ":" in containers.DEFAULT_IMAGE and not containers.DEFAULT_IMAGE.endswith(":latest")

    monkeypatch.setenv("ATTUNE_PG_IMAGE", "registry.example/pg:15")
    monkeypatch.setenv("ATTUNE_PG_NETWORK", "HOST")
    assert settings_from_env() == ContainerSettings("registry.example/pg:15", "host")
    assert settings_from_env("mine:1", "bridge") == ContainerSettings("mine:1", "bridge")


def test_unknown_network_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTUNE_PG_NETWORK", "overlay")
    with pytest.raises(ContainerError, match=r"'overlay'.*bridge, host"):
        settings_from_env()


def test_importing_the_module_does_not_import_docker() -> None:
    code = ("import sys, attune_lint.registrar.containers; "
            "print(sorted(m for m in ('docker', 'testcontainers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- engine probe (no engine needed) ---------------------------------------------------------

def test_reason_when_docker_host_socket_is_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    dead = tmp_path / "gone" / "docker.sock"
    monkeypatch.setenv("DOCKER_HOST", f"unix://{dead}")
    started = time.monotonic()
    reason = docker_unavailable_reason()
    assert time.monotonic() - started < 2.5
    assert reason is not None and str(dead) in reason


def test_reason_when_nothing_listens_on_the_socket(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "docker.sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))  # the file exists, but no one accepts connections
        monkeypatch.setenv("DOCKER_HOST", f"unix://{path}")
        started = time.monotonic()
        reason = docker_unavailable_reason()
    assert time.monotonic() - started < 2.5
    assert reason is not None and "not answering" in reason and str(path) in reason


def test_reason_when_the_engine_hangs_comes_within_the_timeout(monkeypatch: pytest.MonkeyPatch,
                                                                tmp_path: Path) -> None:
    path = tmp_path / "docker.sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        sock.listen(8)  # connections are accepted by the kernel, never answered
        monkeypatch.setenv("DOCKER_HOST", f"unix://{path}")
        started = time.monotonic()
        reason = docker_unavailable_reason()
        elapsed = time.monotonic() - started
    assert reason is not None and "not answering" in reason
    assert elapsed < containers.PING_TIMEOUT + 1.0


def test_remote_engine_is_refused_without_contacting_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # Not on loopback: the database would not be on 127.0.0.1, so the probe says so at once.
    monkeypatch.setenv("DOCKER_HOST", "tcp://192.0.2.1:2375")
    started = time.monotonic()
    reason = docker_unavailable_reason()
    assert time.monotonic() - started < 0.5
    assert reason is not None and "127.0.0.1" in reason and "192.0.2.1" in reason


# -- a real container ------------------------------------------------------------------------

@pytest.mark.docker
def test_container_serves_psycopg_on_loopback(postgres: RunningPostgres, pg_settings: ContainerSettings,
                                              docker_client: Any) -> None:
    import psycopg

    assert postgres.backend == "docker"
    params = conninfo(postgres.dsn)
    assert params["host"] == "127.0.0.1"
    assert container_exists(docker_client, postgres.container_id)
    labels = docker_client.containers.get(postgres.container_id).labels
    assert labels.get(containers.OWNER_LABEL[0]) == containers.OWNER_LABEL[1]
    with psycopg.connect(postgres.dsn) as conn:
        row = conn.execute("SELECT current_user, current_database(), "
                           "current_setting('server_version_num')::int, "
                           "current_setting('listen_addresses')").fetchone()
        assert row is not None
        user, database, version, listen = row
        assert (user, database) == (containers.DB_USER, containers.DB_NAME)
        assert version >= 150000
        # host networking shares the machine's interfaces: only loopback may be bound.
        assert listen == ("127.0.0.1" if pg_settings.network == "host" else "*")
        conn.execute("CREATE TABLE probe (id int PRIMARY KEY, note text NOT NULL)")
        conn.execute("INSERT INTO probe VALUES (%s, %s)", (1, "it's; a \\ test"))
        assert conn.execute("SELECT note FROM probe WHERE id = %s", (1,)).fetchone() == ("it's; a \\ test",)


@pytest.mark.docker
def test_real_pack_registers_into_the_container_schema(postgres: RunningPostgres, corpus: Path) -> None:
    """The shipped Attune schema applies (twice) and stores a real pack and workflow.

    Rows are written with plain parameterised INSERTs: the registrar API is tested on
    its own; this checks the container database carries the real schema and constraints.
    """
    import psycopg
    from psycopg.types.json import Jsonb

    pack_doc = read_yaml_file(corpus / "packs" / "core" / "pack.yaml")
    flow_doc = read_yaml_file(corpus / "packs" / "core" / "workflows" / "install_packs.yaml")
    pack, flow = to_python(pack_doc.root), to_python(flow_doc.root)
    schema = SCHEMA_SQL.read_text(encoding="utf-8")
    with psycopg.connect(postgres.dsn) as conn:
        conn.execute(schema)
        conn.execute(schema)  # idempotent
        pack_id = conn.execute(
            "INSERT INTO attune.pack (ref, label, description, version) VALUES (%s, %s, %s, %s) RETURNING id",
            (pack["ref"], pack["label"], pack.get("description"), pack["version"])).fetchone()[0]
        conn.execute(
            "INSERT INTO attune.workflow_definition (ref, pack, pack_ref, label, description, version, "
            "param_schema, definition) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            (flow["ref"], pack_id, pack["ref"], flow["label"], flow.get("description"), flow["version"],
             Jsonb(flow.get("parameters")), Jsonb(flow)))
        conn.commit()
        stored = conn.execute(
            "SELECT w.ref, p.ref, p.version, w.definition FROM attune.workflow_definition w "
            "JOIN attune.pack p ON p.id = w.pack WHERE w.ref = %s", (flow["ref"],)).fetchone()
        assert stored is not None
        assert stored[:3] == ("core.install_packs", "core", pack["version"])
        assert stored[3] == json.loads(json.dumps(flow))
        # The real CHECKs are there: a version that is not SemVer is refused by the server.
        with pytest.raises(psycopg.errors.CheckViolation, match="pack_version_semver"):
            conn.execute("INSERT INTO attune.pack (ref, label, version) VALUES (%s, %s, %s)",
                         ("core_two", "x", "1.0"))
        conn.rollback()
        # And the cascade: deleting the pack removes its workflow definition.
        conn.execute("DELETE FROM attune.pack WHERE id = %s", (pack_id,))
        assert conn.execute("SELECT count(*) FROM attune.workflow_definition").fetchone() == (0,)


@pytest.mark.docker
def test_stop_removes_the_container_and_is_idempotent(pg_settings: ContainerSettings, docker_client: Any) -> None:
    running = start_postgres_container(pg_settings)
    try:
        assert container_exists(docker_client, running.container_id)
    finally:
        running.stop()
    assert running.stopped
    assert not container_exists(docker_client, running.container_id)
    running.stop()  # a second stop is harmless


@pytest.mark.docker
def test_failing_block_removes_the_container(pg_settings: ContainerSettings, docker_client: Any) -> None:
    seen: list[str] = []
    with pytest.raises(ZeroDivisionError):
        with start_postgres_container(pg_settings) as running:
            seen.append(running.container_id)
            assert container_exists(docker_client, running.container_id)
            1 / 0  # noqa: B018  (the deliberate failure)
    assert seen and not container_exists(docker_client, seen[0])


@pytest.mark.docker
def test_interpreter_exit_removes_forgotten_containers(pg_settings: ContainerSettings, docker_client: Any) -> None:
    # Never stopped, and the process dies of an uncaught exception: the exit handler
    # (the same one a normal exit runs) must still remove the container.
    script = textwrap.dedent(f"""
        from attune_lint.registrar.containers import settings_from_env, start_postgres_container
        running = start_postgres_container(settings_from_env({pg_settings.image!r}, {pg_settings.network!r}))
        print(running.container_id, flush=True)
        raise RuntimeError("the test failed")
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env=os.environ.copy())
    container_id = proc.stdout.strip().splitlines()[0] if proc.stdout.strip() else ""
    assert container_id, proc.stderr
    assert proc.returncode == 1 and "the test failed" in proc.stderr
    assert not container_exists(docker_client, container_id)


@pytest.mark.docker
def test_sigterm_removes_the_container(pg_settings: ContainerSettings, docker_client: Any) -> None:
    # A CI timeout sends SIGTERM, which by default skips the exit handlers.
    script = textwrap.dedent(f"""
        import time
        from attune_lint.registrar.containers import settings_from_env, start_postgres_container
        running = start_postgres_container(settings_from_env({pg_settings.image!r}, {pg_settings.network!r}))
        print(running.container_id, flush=True)
        time.sleep(120)
    """)
    container_id = ""
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, env=os.environ.copy()) as proc:
        try:
            assert proc.stdout is not None and proc.stderr is not None
            container_id = proc.stdout.readline().strip()
            assert container_id, proc.stderr.read()
            assert container_exists(docker_client, container_id)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=60) == 128 + signal.SIGTERM, proc.stderr.read()
            gone = not container_exists(docker_client, container_id)
        finally:
            if proc.poll() is None:
                proc.kill()
            if container_id and container_exists(docker_client, container_id):
                docker_client.containers.get(container_id).remove(force=True, v=True)
    assert gone


@pytest.mark.docker
def test_missing_image_fails_with_its_name(docker_client: Any) -> None:
    before = {c.id for c in docker_client.containers.list(all=True)}
    with pytest.raises(ContainerError) as caught:
        start_postgres_container(ContainerSettings(MISSING_IMAGE, "host"))
    assert repr(MISSING_IMAGE) in str(caught.value)
    assert "ATTUNE_PG_IMAGE" in str(caught.value)
    leftovers = [c for c in docker_client.containers.list(all=True)
                 if c.id not in before and c.attrs["Config"]["Image"] == MISSING_IMAGE]
    assert leftovers == []


@pytest.mark.docker
def test_server_dying_at_startup_fails_fast_with_its_log(pg_settings: ContainerSettings, docker_client: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(containers, "SERVER_ARGS", ("-c", "attune_no_such_setting=1"))
    started = time.monotonic()
    with pytest.raises(ContainerError, match="exited during startup") as caught:
        start_postgres_container(pg_settings)
    # testcontainers alone would keep probing a dead container for two minutes.
    assert time.monotonic() - started < 30
    assert "attune_no_such_setting" in str(caught.value)  # the server's own FATAL line
    assert repr(pg_settings.image) in str(caught.value)
    dead = [c for c in docker_client.containers.list(
                all=True, filters={"label": "=".join(containers.OWNER_LABEL)})
            if "attune_no_such_setting=1" in c.attrs.get("Args", [])]
    assert dead == []


@pytest.mark.docker
def test_bridge_network_publishes_on_loopback_or_says_to_use_host(pg_settings: ContainerSettings,
                                                                  docker_client: Any) -> None:
    import psycopg

    settings = ContainerSettings(pg_settings.image, "bridge")
    if not docker_client.networks.list(names=["bridge"]):
        # e.g. `dockerd --bridge=none` on CI: the failure must point at the host network.
        with pytest.raises(ContainerError, match="ATTUNE_PG_NETWORK=host"):
            start_postgres_container(settings)
        return
    with start_postgres_container(settings) as running:
        bindings = docker_client.containers.get(running.container_id).attrs["NetworkSettings"]["Ports"]
        assert {b["HostIp"] for b in bindings["5432/tcp"]} == {"127.0.0.1"}
        assert conninfo(running.dsn)["port"] == bindings["5432/tcp"][0]["HostPort"]
        with psycopg.connect(running.dsn) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
