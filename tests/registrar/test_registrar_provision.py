"""Where the database comes from: explicit DSN, Docker, local cluster, or none and why."""
from __future__ import annotations

import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from attune_lint.registrar.errors import ConnectionFailed, DatabaseUnavailable
from attune_lint.registrar.local_cluster import find_bindir
from attune_lint.registrar.provision import parse_db_option, provision_database, redact_dsn


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nobody listens


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize(("value", "expected"), [
    (None, ("auto", None)), ("", ("auto", None)), ("auto", ("auto", None)), ("require", ("require", None)),
    ("postgresql://u@h/db", ("require", "postgresql://u@h/db")),
    ("host=h dbname=d", ("require", "host=h dbname=d")),
])
def test_db_option(value, expected) -> None:
    assert parse_db_option(value) == expected


def test_dsn_shown_without_password() -> None:
    shown = redact_dsn("host=127.0.0.1 port=5999 user=bob password=s3cret dbname=attune")
    assert shown == "127.0.0.1:5999/attune as bob"


def test_dsn_whose_server_is_down_is_a_clear_error() -> None:
    pytest.importorskip("psycopg")
    port = closed_port()
    dsn = f"host=127.0.0.1 port={port} user=attune password=s3cret dbname=attune"
    started = time.monotonic()
    with pytest.raises(ConnectionFailed) as info:
        provision_database(dsn, env={})
    message = str(info.value)
    assert message.startswith(f"cannot connect to the PostgreSQL server at 127.0.0.1:{port}/attune as attune: ")
    assert "refused" in message.lower() and "s3cret" not in message
    assert time.monotonic() - started < 10


def test_env_dsn_that_fails_is_an_error_not_a_fall_through() -> None:
    pytest.importorskip("psycopg")
    dsn = f"host=127.0.0.1 port={closed_port()} user=x dbname=x"
    with pytest.raises(ConnectionFailed):
        provision_database("auto", env={"ATTUNE_TEST_DSN": dsn})


def test_nothing_available_lists_every_reason() -> None:
    result = provision_database("auto", env={}, docker=False, local=False)
    assert (result.available, result.backend) == (False, "none")
    assert result.reasons == ["no DSN given (--db DSN or ATTUNE_TEST_DSN)", "docker: backend switched off",
                              "local cluster: backend switched off"]
    with pytest.raises(DatabaseUnavailable) as info:
        provision_database("require", env={}, docker=False, local=False)
    assert info.value.reasons == result.reasons
    assert "docker: backend switched off" in str(info.value)


@pytest.mark.skipif(find_bindir()[0] is None, reason="no PostgreSQL server programs on this machine")
def test_no_docker_engine_falls_through_to_the_local_cluster(monkeypatch) -> None:
    psycopg = pytest.importorskip("psycopg")
    monkeypatch.setenv("DOCKER_HOST", f"tcp://127.0.0.1:{closed_port()}")
    result = provision_database("require", env={})
    try:
        assert result.backend == "local"
        docker_reasons = [r for r in result.reasons if r.startswith(("docker:", "no docker backend:"))]
        assert len(docker_reasons) == 1, result.reasons
        with psycopg.connect(result.dsn) as conn:
            assert conn.execute("SELECT inet_server_addr()::text, current_setting('fsync')").fetchone() == (
                "127.0.0.1/32", "off")
            data_dir = Path(conn.execute("SHOW data_directory").fetchone()[0])
        assert data_dir.exists() and not str(data_dir).startswith("/tmp/pytest-of-")
    finally:
        result.stop()
    assert not data_dir.parent.exists()


CLUSTER_CHILD = textwrap.dedent("""
    import sys, time
    from attune_lint.registrar.local_cluster import start_local_cluster
    cluster = start_local_cluster()
    print(cluster.port, cluster.base, flush=True)
    time.sleep(60)
""")


@pytest.mark.skipif(find_bindir()[0] is None, reason="no PostgreSQL server programs on this machine")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_local_cluster_stopped_when_the_process_is_terminated(sig) -> None:
    child = subprocess.Popen([sys.executable, "-c", CLUSTER_CHILD], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        port_text, base = child.stdout.readline().split()
        port = int(port_text)
        assert port_open(port) and Path(base).is_dir()
        child.send_signal(sig)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
    assert not port_open(port)
    assert not Path(base).exists()
