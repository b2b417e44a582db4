"""Fixtures for the testcontainers tests: a Docker engine or a skip (or a failure in CI).

``ATTUNE_TEST_DOCKER=require`` turns "no Docker engine answers" from a skip into a
failure, so CI cannot pass these tests by silently skipping them. The image and network
come from ATTUNE_PG_IMAGE / ATTUNE_PG_NETWORK (``eval "$(scripts/ci-docker.sh)"`` sets
them on CI; a laptop with a normal Docker uses the defaults).
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from attune_lint.registrar.containers import (
    ContainerSettings,
    RunningPostgres,
    docker_unavailable_reason,
    settings_from_env,
    start_postgres_container,
)


def docker_required() -> bool:
    return os.environ.get("ATTUNE_TEST_DOCKER", "auto").strip().lower() == "require"


@pytest.fixture(scope="module", autouse=True)
def _docker_host() -> Iterator[None]:
    """Point DOCKER_HOST at CI's private engine for these modules only.

    CI exports the engine as ATTUNE_TEST_DOCKER_HOST rather than DOCKER_HOST, so that the
    rest of the suite (the registrar tests) provisions the local cluster as the issue asks,
    while these tests go through the Docker engine.
    """
    wanted = os.environ.get("ATTUNE_TEST_DOCKER_HOST")
    previous = os.environ.get("DOCKER_HOST")
    if wanted:
        os.environ["DOCKER_HOST"] = wanted
    try:
        yield
    finally:
        if wanted:
            if previous is None:
                os.environ.pop("DOCKER_HOST", None)
            else:
                os.environ["DOCKER_HOST"] = previous


@pytest.fixture(scope="module")
def docker_reason(_docker_host: None) -> str | None:
    return docker_unavailable_reason()


def skip_or_fail(reason: str) -> None:
    message = f"no Docker engine: {reason}"
    if docker_required():
        pytest.fail(f"{message} (ATTUNE_TEST_DOCKER=require)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _needs_docker(request: pytest.FixtureRequest, docker_reason: str | None) -> None:
    if request.node.get_closest_marker("docker") is not None and docker_reason is not None:
        skip_or_fail(docker_reason)


@pytest.fixture(scope="session")
def pg_settings() -> ContainerSettings:
    return settings_from_env()


@pytest.fixture
def docker_client(docker_reason: str | None) -> Iterator[Any]:
    """A docker SDK client on the same engine, to ask it about containers independently."""
    import docker

    client = docker.from_env()
    try:
        yield client
    finally:
        client.close()


@pytest.fixture(scope="module")
def postgres(pg_settings: ContainerSettings, docker_reason: str | None) -> Iterator[RunningPostgres]:
    """One container for the tests of a module; removed even when a test fails."""
    # Module scope runs before the autouse check: decide here too.
    if docker_reason is not None:
        skip_or_fail(docker_reason)
    running = start_postgres_container(pg_settings)
    try:
        yield running
    finally:
        running.stop()

