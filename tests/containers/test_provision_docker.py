"""The provisioning order as seen from the Docker side (issue 9, item 3).

With an engine answering, ``auto``/``require`` pick the container (not the local
cluster) and the example packs register inside it; with the engine gone, ``auto`` falls
through to the local cluster and says why.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from attune_testkit import EXAMPLES

psycopg = pytest.importorskip("psycopg")

from attune_lint.workspace.workspace import load_paths  # noqa: E402
from attune_lint.registrar.provision import provision_database  # noqa: E402
from attune_lint.registrar.registrar import WorkflowRegistrar  # noqa: E402
from attune_lint.registrar.schema import apply_schema  # noqa: E402

# The example packs that are meant to register (examples/packs/broken is meant not to).
VALID_EXAMPLES = ("acme", "legacy_ops")


def container_with_password(client: Any, password: str) -> Any | None:
    """The container whose POSTGRES_PASSWORD is ``password`` (random per container)."""
    for container in client.containers.list(all=True):
        if f"POSTGRES_PASSWORD={password}" in (container.attrs["Config"].get("Env") or []):
            return container
    return None


@pytest.mark.docker
def test_engine_answering_means_docker_backend_and_example_packs_register(docker_client: Any) -> None:
    from psycopg.conninfo import conninfo_to_dict

    database = provision_database("require", env={})  # env={}: no ATTUNE_TEST_DSN
    try:
        assert database.backend == "docker", database.reasons
        assert database.dsn is not None
        params = conninfo_to_dict(database.dsn)
        assert params["host"] == "127.0.0.1"
        container = container_with_password(docker_client, str(params["password"]))
        assert container is not None and container.status == "running"

        expected: dict[str, str] = {}
        with psycopg.connect(database.dsn) as conn:
            apply_schema(conn)
            conn.commit()
            for name in VALID_EXAMPLES:
                workspace = load_paths([EXAMPLES / name])
                (pack,) = workspace.packs
                assert workspace.workflows, f"example pack {name} has no workflows"
                results = WorkflowRegistrar(conn).register_pack(pack, workspace.workflows)
                assert [r.status for r in results] == ["created"] * len(results), results
                expected.update({r.ref_name: name for r in results})
            stored = dict(conn.execute(
                "SELECT w.ref, p.ref FROM attune.workflow_definition w "
                "JOIN attune.pack p ON p.id = w.pack").fetchall())
            linked = {ref for (ref,) in conn.execute(
                "SELECT a.ref FROM attune.action a JOIN attune.workflow_definition w "
                "ON w.id = a.workflow_def")}
        assert stored == expected
        assert linked == set(expected)
    finally:
        database.stop()
    assert container_with_password(docker_client, str(params["password"])) is None


def test_auto_without_docker_falls_through_to_the_local_cluster(monkeypatch: pytest.MonkeyPatch,
                                                                tmp_path: Path) -> None:
    dead = tmp_path / "stopped-docker.sock"
    monkeypatch.setenv("DOCKER_HOST", f"unix://{dead}")
    database = provision_database("auto", env={})
    try:
        docker_reasons = [r for r in database.reasons if r.startswith("docker:")]
        assert docker_reasons and str(dead) in docker_reasons[0], database.reasons
        assert database.backend in ("local", "none")
        if database.backend == "local":
            assert database.dsn is not None
            with psycopg.connect(database.dsn) as conn:
                assert conn.execute("SELECT 1").fetchone() == (1,)
        else:  # no PostgreSQL binaries either: that must be said too
            assert any(r.startswith("local cluster:") for r in database.reasons), database.reasons
    finally:
        database.stop()
