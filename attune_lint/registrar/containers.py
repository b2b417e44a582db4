"""PostgreSQL in a Docker container, through testcontainers (the provisioning's second choice).

The provisioning order (explicit DSN → this → local cluster) calls, lazily:

* ``docker_unavailable_reason()`` – ``None`` when a Docker engine answers, else one line
  saying why not (fast: about 2 s at most);
* ``start_postgres_container(settings_from_env(...))`` – a ``RunningPostgres`` whose
  ``dsn`` is a psycopg conninfo on 127.0.0.1 and whose ``stop()`` removes the container.

Options (the pytest flags ``--attune-pg-image`` / ``--attune-pg-network`` map to the
arguments of ``settings_from_env``; the environment is the fallback):

* image: ``ATTUNE_PG_IMAGE``, default ``DEFAULT_IMAGE`` (a pinned official tag). Use it for
  a mirror in a private registry or a locally built image (``scripts/ci-docker.sh``).
* network: ``ATTUNE_PG_NETWORK`` = ``bridge`` (default: the container port is published on
  127.0.0.1 at a port Docker picks, as testcontainers normally does) or ``host`` (the
  container shares the host's network; the server listens on 127.0.0.1 at a free port we
  pick). ``host`` is for engines without bridge networking, e.g. ``dockerd --bridge=none``.

Whatever the network, clients connect to 127.0.0.1 only, so the engine must run on this
machine (a unix socket or a loopback ``tcp://`` DOCKER_HOST).

The docker SDK and testcontainers are imported inside the functions: importing this module
costs nothing when no container is wanted.
"""
from __future__ import annotations

import os
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from attune_lint.registrar.cleanup import shared_registry

ENV_IMAGE = "ATTUNE_PG_IMAGE"
ENV_NETWORK = "ATTUNE_PG_NETWORK"
# Pinned so that every run gets the same server; override with ATTUNE_PG_IMAGE.
DEFAULT_IMAGE = "postgres:15.8"
NETWORKS = ("bridge", "host")
DEFAULT_NETWORK = "bridge"
DB_USER = "attune"
DB_NAME = "attune"
CONTAINER_PORT = 5432
# Every container we start carries this label; `scripts/ci-docker.sh stop` removes any
# left behind by a process that was killed before its exit handlers ran.
OWNER_LABEL = ("attune-lint.owner", "attune-lint")
PING_TIMEOUT = 2.0
# How long the quick readiness loop runs before testcontainers' own probe takes over.
PREWAIT_SECONDS = 15.0
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# A throwaway test server: durability buys nothing and costs seconds.
SERVER_ARGS = ("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")


class ContainerError(RuntimeError):
    """The PostgreSQL container could not be started or used; the message says why."""


@dataclass(frozen=True)
class ContainerSettings:
    """Which image to run and how the container reaches the network."""

    image: str = DEFAULT_IMAGE
    network: str = DEFAULT_NETWORK

    def __post_init__(self) -> None:
        if not self.image.strip():
            raise ContainerError("the PostgreSQL image name is empty (ATTUNE_PG_IMAGE / --attune-pg-image)")
        if self.network not in NETWORKS:
            raise ContainerError(
                f"unknown container network {self.network!r} (ATTUNE_PG_NETWORK / "
                f"--attune-pg-network): use one of {', '.join(NETWORKS)}")


def settings_from_env(image: str | None = None, network: str | None = None) -> ContainerSettings:
    """Settings from the arguments (the pytest/CLI options), else the environment, else defaults."""
    chosen_image = (image or os.environ.get(ENV_IMAGE, "")).strip() or DEFAULT_IMAGE
    chosen_network = (network or os.environ.get(ENV_NETWORK, "")).strip().lower() or DEFAULT_NETWORK
    return ContainerSettings(image=chosen_image, network=chosen_network)


def _docker_host() -> str:
    """The engine address testcontainers will use (DOCKER_HOST, tc.host, docker context)."""
    try:
        from testcontainers.core.docker_client import get_docker_host
        host = get_docker_host()
    except Exception:  # a broken properties file or context must not hide the default socket
        host = os.environ.get("DOCKER_HOST")
    return host or "unix:///var/run/docker.sock"


def docker_unavailable_reason() -> str | None:
    """``None`` when a Docker engine answers; otherwise a one-line reason. At most ~2 s."""
    try:
        import docker
        import testcontainers.core.container  # noqa: F401  (the path we will take)
    except ImportError as exc:
        return (f"the docker SDK or testcontainers is not installed ({exc.name or exc}); "
                "pip install 'attune-lint[containers]'")
    host = _docker_host()
    url = urlparse(host)
    if url.scheme in ("unix", ""):
        path = url.path or host
        if not os.path.exists(path):
            return f"no Docker socket at {path} (DOCKER_HOST={host})"
    elif url.scheme in ("tcp", "http", "https"):
        # The database is reached on 127.0.0.1: a remote engine's containers are not there.
        if url.hostname not in LOOPBACK_HOSTS:
            return (f"DOCKER_HOST={host} is not on this machine; the container's database "
                    "must be reachable on 127.0.0.1")
    else:
        return f"DOCKER_HOST={host}: unsupported scheme {url.scheme!r} (use unix:// or tcp://127.0.0.1)"
    client = None
    try:
        # Creating the client already asks the engine for its API version (one round trip
        # bounded by the timeout); ping confirms it serves requests.
        client = docker.DockerClient(base_url=host, timeout=PING_TIMEOUT)
        client.ping()
    except Exception as exc:
        return f"the Docker engine at {host} is not answering: {_one_line(exc)[:300]}"
    finally:
        if client is not None:
            client.close()
    return None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _free_loopback_port() -> int:
    # Host networking publishes nothing: the server binds the port itself, so pick one the
    # kernel says is free now. Another process could take it before the server starts;
    # startup then fails with a clear "could not bind" in the container log.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _conninfo(**params: Any) -> str:
    """A libpq key=value string, each value quoted as libpq documents."""
    parts = []
    for key, value in params.items():
        text = str(value).replace("\\", "\\\\").replace("'", "\\'")
        parts.append(f"{key}='{text}'")
    return " ".join(parts)


class RunningPostgres:
    """A started PostgreSQL container. ``stop()`` removes it and may be called any number of times.

    Also a context manager: leaving the ``with`` block (normally or by an exception)
    removes the container. Containers still running at interpreter exit are removed then.
    """

    backend = "docker"

    def __init__(self, container: Any, dsn: str, settings: ContainerSettings, container_id: str) -> None:
        self._container = container
        self.dsn = dsn
        self.settings = settings
        self.image = settings.image
        self.container_id = container_id
        self._lock = threading.Lock()
        self._stopped = False
        # Removed at exit and on SIGTERM too, unless stop() comes first.
        self._cleanup = shared_registry().register(self.stop)

    @property
    def stopped(self) -> bool:
        return self._stopped

    def stop(self) -> None:
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        self._cleanup.unregister()
        _remove(self._container)

    def __enter__(self) -> RunningPostgres:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "stopped" if self._stopped else "running"
        return f"<RunningPostgres {self.image} {self.container_id[:12]} {state}>"


def _remove(container: Any) -> None:
    """Remove the container (and its anonymous volumes); gone already is fine."""
    import docker.errors

    try:
        container.stop(force=True, delete_volume=True)
    except docker.errors.NotFound:
        pass


class _ContainerExited(BaseException):
    # A BaseException so that testcontainers' readiness loop, which retries on every
    # Exception for up to two minutes, lets it through at once.
    pass


def _postgres_container_class() -> type:
    try:
        from testcontainers.community.postgres import PostgresContainer
    except ImportError:  # testcontainers 4.x before the "community" namespace
        from testcontainers.postgres import PostgresContainer

    class AttunePostgresContainer(PostgresContainer):  # type: ignore[misc, valid-type]
        """testcontainers' PostgresContainer, failing fast when the server process dies."""

        def _connect(self) -> None:
            # testcontainers' probe (psql inside the container) polls once a second; a
            # quicker pg_isready loop first makes its first try succeed, saving about a
            # second per container. Its probe still has the last word.
            deadline = time.monotonic() + PREWAIT_SECONDS
            while time.monotonic() < deadline:
                result = self.exec(["pg_isready", "-q", "-h", "127.0.0.1"])
                if result.exit_code in (0, 126, 127):  # ready, or the image has no pg_isready
                    break
                time.sleep(0.1)
            super()._connect()

        def exec(self, command: Any) -> Any:
            import docker.errors

            try:
                return super().exec(command)
            except docker.errors.APIError:
                self.reload()
                if self.status in ("exited", "dead"):
                    raise _ContainerExited() from None
                raise

    return AttunePostgresContainer


def start_postgres_container(settings: ContainerSettings) -> RunningPostgres:
    """Start PostgreSQL from ``settings.image`` and wait until it accepts connections.

    Raises ContainerError (naming the image) when the engine does not answer, the image is
    missing and cannot be pulled, or the server does not come up; nothing is left running.
    """
    reason = docker_unavailable_reason()
    if reason:
        raise ContainerError(f"cannot start PostgreSQL image {settings.image!r}: {reason}")
    import docker.errors

    password = secrets.token_urlsafe(24)
    host_net = settings.network == "host"
    port = _free_loopback_port() if host_net else CONTAINER_PORT
    command = ["postgres", *SERVER_ARGS]
    kwargs: dict[str, Any] = {"labels": {OWNER_LABEL[0]: OWNER_LABEL[1]}}
    if host_net:
        # Shared network namespace: nothing to publish, and the server must only be on
        # loopback (it would otherwise listen on every interface of the machine).
        command += ["-c", "listen_addresses=127.0.0.1", "-p", str(port)]
        kwargs["network_mode"] = "host"
    container = _postgres_container_class()(
        settings.image, username=DB_USER, password=password, dbname=DB_NAME,
        driver=None, port=port, command=command, **kwargs)
    if host_net:
        container.ports = {}
        # Read by the server and by psql in testcontainers' readiness probe (docker exec).
        container.with_env("PGPORT", str(port))
    else:
        # Publish on loopback only, at a port Docker picks (not on 0.0.0.0).
        container.ports = {f"{CONTAINER_PORT}/tcp": ("127.0.0.1", None)}
    image = container.image  # with TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX applied
    # Before starting, although nothing is registered yet: a SIGTERM during startup
    # (a CI timeout) must become SystemExit, which the `except BaseException` below turns
    # into removing the half-started container, instead of killing the process outright.
    # (Registering the removal itself here would run it inside the signal handler, in
    # the middle of the Docker request that creates the container.)
    shared_registry().install_hooks()
    try:
        container.start()
        container_id = container.get_container_id()
        if not host_net:
            port = _published_port(container, container_id, image)
    except BaseException as exc:
        error = _start_error(exc, image, settings, container, docker.errors)
        try:
            _remove(container)
        except Exception:
            pass
        if error is None:
            raise  # KeyboardInterrupt and the like: cleaned up, now propagate as is
        if error is exc:
            raise
        raise error from (None if isinstance(exc, _ContainerExited) else exc)
    dsn = _conninfo(host="127.0.0.1", port=port, dbname=DB_NAME, user=DB_USER,
                    password=password, connect_timeout=10)
    return RunningPostgres(container, dsn, settings, container_id)


def _published_port(container: Any, container_id: str, image: str) -> int:
    try:
        return int(container.get_docker_client().port(container_id, CONTAINER_PORT))
    except ConnectionError as exc:
        # The engine created no port binding: typically `dockerd --bridge=none`, where a
        # container on the default network has only its own loopback.
        raise ContainerError(
            f"PostgreSQL container from image {image!r} started but the engine published no "
            f"port for it ({exc}); this engine probably has no bridge networking: set "
            f"{ENV_NETWORK}=host / --attune-pg-network host") from None


def _start_error(exc: BaseException, image: str, settings: ContainerSettings,
                 container: Any, errors: Any) -> ContainerError | None:
    """The ContainerError that explains ``exc``; None for exceptions to re-raise unchanged."""
    if isinstance(exc, ContainerError):
        return exc
    if isinstance(exc, _ContainerExited):
        return ContainerError(
            f"PostgreSQL container from image {image!r} exited during startup; "
            f"its log ends with:\n{_log_tail(container)}")
    if isinstance(exc, TimeoutError):
        return ContainerError(
            f"PostgreSQL container from image {image!r} did not accept connections in time "
            f"({_one_line(exc)[:300]}); its log ends with:\n{_log_tail(container)}")
    if container._container is None and isinstance(exc, Exception) and not _image_present(container, image):
        return ContainerError(
            f"PostgreSQL image {image!r} is not available: it is not on this Docker engine and "
            f"pulling it failed ({_one_line(exc)[:300]}). Set {ENV_IMAGE} or --attune-pg-image "
            "to an image the engine has or can pull (scripts/ci-docker.sh builds one locally).")
    if isinstance(exc, errors.APIError) and "network" in str(exc).lower() and settings.network == "bridge":
        return ContainerError(
            f"cannot start PostgreSQL image {image!r} on the bridge network ({_one_line(exc)[:300]}); "
            f"on engines without bridge networking set {ENV_NETWORK}=host / --attune-pg-network host")
    if isinstance(exc, Exception):
        return ContainerError(f"cannot start PostgreSQL image {image!r}: {_one_line(exc)[:500]}")
    return None


def _image_present(container: Any, image: str) -> bool:
    """Whether the engine has ``image`` locally (if we cannot tell, assume it has)."""
    import docker.errors

    try:
        container.get_docker_client().client.images.get(image)
    except docker.errors.ImageNotFound:
        return False
    except Exception:
        return True
    return True


def _log_tail(container: Any, lines: int = 15) -> str:
    try:
        raw = container.get_wrapped_container().logs(tail=lines)
        return raw.decode("utf-8", "replace").rstrip() or "(empty log)"
    except Exception as exc:
        return f"(log unavailable: {_one_line(exc)})"
