"""A throwaway PostgreSQL cluster started with the server's own ``initdb`` and ``pg_ctl``.

The embedded default for tests and ``register --dry-run`` when no DSN and no Docker
engine are available. Everything lives in one fresh temporary folder (data directory,
unix socket, log, password file) that is removed again on ``stop()``. The server listens
on 127.0.0.1 only, on a free port, with password authentication and fsync off (the data
is thrown away, so durability only costs time).

``initdb`` refuses to run as root, so as root every server program runs as the
``postgres`` user through ``runuser``/``su`` with an argument vector, never a shell
string. The temporary folder is created outside pytest's root-only temp folder (its
parents must be traversable by ``postgres``) and handed to that user.
"""
from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from attune_lint.registrar.cleanup import Registration, shared_registry

SERVER_PROGRAMS = ("initdb", "pg_ctl")
START_TIMEOUT_SECONDS = 60
SUPERUSER = "postgres"


class LocalClusterError(RuntimeError):
    """The local cluster could not be found, initialised or started."""


def find_bindir() -> tuple[Path | None, list[str]]:
    """The folder holding ``initdb`` and ``pg_ctl``, and why each candidate was refused.

    Looked for, in order: PATH, ``pg_config --bindir``, ``/usr/lib/postgresql/*/bin``
    (newest major version first).
    """
    reasons: list[str] = []
    candidates: list[Path] = []
    on_path = shutil.which("initdb")
    if on_path:
        # Debian puts a wrapper or a symlink on PATH; the real folder holds pg_ctl too.
        candidates.append(Path(os.path.realpath(on_path)).parent)
        candidates.append(Path(on_path).parent)
    else:
        reasons.append("initdb is not on PATH")
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                 timeout=10, check=True).stdout.strip()
            if out:
                candidates.append(Path(out))
        except (OSError, subprocess.SubprocessError) as exc:
            reasons.append(f"pg_config --bindir failed: {exc}")
    else:
        reasons.append("pg_config is not on PATH")
    versioned = glob.glob("/usr/lib/postgresql/*/bin")
    versioned.sort(key=_major_version, reverse=True)
    candidates.extend(Path(p) for p in versioned)
    if not versioned:
        reasons.append("no /usr/lib/postgresql/*/bin folder")
    for folder in candidates:
        if all(os.access(folder / name, os.X_OK) for name in SERVER_PROGRAMS):
            return folder, reasons
    if candidates:
        reasons.append("no folder among " + ", ".join(str(c) for c in dict.fromkeys(candidates))
                       + " holds both initdb and pg_ctl")
    return None, reasons


def _major_version(path: str) -> float:
    try:
        return float(Path(path).parent.name)
    except ValueError:
        return 0.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_server_user(argv: list[str]) -> list[str]:
    """Prefix ``argv`` so that it runs as ``postgres`` when we are root."""
    if os.geteuid() != 0:
        return argv
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", SUPERUSER, "--", *argv]
    su = shutil.which("su")
    if su:
        # su -c wants one command string: every word is quoted, none is ours unquoted.
        import shlex

        return [su, SUPERUSER, "-s", "/bin/sh", "-c", shlex.join(argv)]
    raise LocalClusterError("running as root, but neither runuser nor su is available to "
                            "start PostgreSQL as the postgres user")


def _temp_parent() -> str:
    """A temp folder the ``postgres`` user can traverse (pytest's is root-only)."""
    for candidate in (tempfile.gettempdir(), "/tmp", "/var/tmp"):
        mode = os.stat(candidate).st_mode if os.path.isdir(candidate) else 0
        if mode & 0o001:  # others may traverse it
            return candidate
    raise LocalClusterError("no temporary folder that the postgres user can enter")


@dataclass
class LocalCluster:
    """A running throwaway cluster. ``dsn`` connects as the superuser over TCP."""

    bindir: Path
    base: Path
    port: int
    password: str
    _stopped: bool = field(default=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # Set once the server runs: it is then stopped at exit and on SIGTERM unless
    # stop() was called first.
    _cleanup: Registration | None = field(default=None, repr=False)

    @property
    def data_dir(self) -> Path:
        return self.base / "data"

    @property
    def dsn(self) -> str:
        return (f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname=postgres "
                f"password={self.password} connect_timeout=10")

    def stop(self) -> None:
        """Stop the server (immediate shutdown: nothing is kept) and remove the folder."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        try:
            subprocess.run(_as_server_user([str(self.bindir / "pg_ctl"), "-D", str(self.data_dir),
                                            "-m", "immediate", "-w", "-t", "30", "stop"]),
                           capture_output=True, timeout=60, check=False, cwd=self.base)
        except (OSError, subprocess.SubprocessError):
            pass
        finally:
            shutil.rmtree(self.base, ignore_errors=True)
            if self._cleanup is not None:
                self._cleanup.unregister()

    def __hash__(self) -> int:
        return id(self)


def start_local_cluster(bindir: Path | None = None) -> LocalCluster:
    """Initialise and start a cluster; raise LocalClusterError with the reason on failure."""
    if bindir is None:
        bindir, reasons = find_bindir()
        if bindir is None:
            raise LocalClusterError("PostgreSQL server programs not found: " + "; ".join(reasons))
    if os.geteuid() == 0:
        import pwd

        try:
            server_user = pwd.getpwnam(SUPERUSER)
        except KeyError:
            raise LocalClusterError("running as root and there is no 'postgres' user to run "
                                    "initdb as (initdb refuses to run as root)") from None
    base = Path(tempfile.mkdtemp(prefix="attune-lint-pg-", dir=_temp_parent()))
    try:
        if os.geteuid() == 0:
            os.chown(base, server_user.pw_uid, server_user.pw_gid)
        password = secrets.token_urlsafe(24)
        pwfile = base / "pwfile"
        pwfile.write_text(password + "\n")
        os.chmod(pwfile, 0o600)
        if os.geteuid() == 0:
            os.chown(pwfile, server_user.pw_uid, server_user.pw_gid)
        _run([str(bindir / "initdb"), "-D", str(base / "data"), "-U", SUPERUSER,
              "--pwfile", str(pwfile), "--auth-host=scram-sha-256", "--auth-local=scram-sha-256",
              "-E", "UTF8", "--no-locale", "--no-sync"], "initdb", base)
        pwfile.unlink()
        cluster: LocalCluster | None = None
        for _attempt in range(3):  # a free port can be taken between probe and bind
            port = _free_port()
            _write_settings(base, port)
            cluster = LocalCluster(bindir, base, port, password)
            try:
                _run([str(bindir / "pg_ctl"), "-D", str(base / "data"), "-l", str(base / "server.log"),
                      "-w", "-t", str(START_TIMEOUT_SECONDS), "start"], "pg_ctl start", base)
                break
            except LocalClusterError:
                if _attempt == 2:
                    raise LocalClusterError("pg_ctl start failed: " + _log_tail(base)) from None
        assert cluster is not None
        # Stopped at exit and on SIGTERM too (Ctrl-C raises KeyboardInterrupt, and the
        # interpreter then runs the exit hook).
        cluster._cleanup = shared_registry().register(cluster.stop)
        return cluster
    except BaseException:
        shutil.rmtree(base, ignore_errors=True)
        raise


def _write_settings(base: Path, port: int) -> None:
    """Server settings go in a config include, not on a pg_ctl -o command line (which
    pg_ctl hands to a shell)."""
    sock = base / "sock"
    sock.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(sock, SUPERUSER, None)
    settings = {
        "listen_addresses": "127.0.0.1",
        "port": str(port),
        "unix_socket_directories": str(sock),
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "max_connections": "50",
        "shared_buffers": "32MB",
        "log_min_messages": "warning",
    }
    lines = [f"{key} = '{_conf_quote(value)}'" for key, value in settings.items()]
    conf = base / "data" / "postgresql.auto.conf"
    conf.write_text("\n".join(lines) + "\n")
    if os.geteuid() == 0:
        shutil.chown(conf, SUPERUSER, None)


def _conf_quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "''")


def _run(argv: list[str], what: str, cwd: Path) -> None:
    # Run from a folder the postgres user can enter: the caller's may be closed to it.
    try:
        proc = subprocess.run(_as_server_user(argv), capture_output=True, text=True, cwd=cwd,
                              timeout=START_TIMEOUT_SECONDS + 30, check=False,
                              env={**os.environ, "LC_ALL": "C", "LANG": "C"})
    except (OSError, subprocess.SubprocessError) as exc:
        raise LocalClusterError(f"{what} could not run: {exc}") from None
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise LocalClusterError(f"{what} failed (exit {proc.returncode}): "
                                + (" | ".join(detail[-5:]) or "no output"))


def _log_tail(base: Path) -> str:
    try:
        lines = (base / "server.log").read_text(errors="replace").strip().splitlines()
    except OSError:
        return "no server log"
    return " | ".join(lines[-5:]) or "empty server log"
