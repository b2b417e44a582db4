"""The exit/SIGTERM cleanup registry shared by the database backends, tested for real.

Each case runs in a child interpreter: the registry installs process-wide hooks (an
atexit hook, a SIGTERM handler) that must not leak into the pytest worker, and only a
real exit or a real signal shows that they work. Stops append a line to a log file, so
the parent sees which stops ran, in which order, and how often.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SIGTERM_STATUS = 128 + signal.SIGTERM
TIMEOUT = 30

# Prepended to every child script. `log(name)` is a stop that records its name.
PRELUDE = textwrap.dedent("""
    import os, signal, sys, threading, time
    from attune_lint.registrar.cleanup import CleanupRegistry
    LOG = sys.argv[1]
    def record(line):
        with open(LOG, "a") as out:
            out.write(line + "\\n")
    def log(name):
        return lambda: record(name)
    def raiser():
        record("raiser")
        raise RuntimeError("this stop fails")
    def wait_for_sigterm():
        print("ready", flush=True)
        time.sleep(TIMEOUT)
        record("not terminated")
    TIMEOUT = %d
    registry = CleanupRegistry()
""" % TIMEOUT)


def _env() -> dict[str, str]:
    # The child must import this checkout's attune_lint, whatever the current folder.
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path}


def _command(body: str, log: Path) -> list[str]:
    return [sys.executable, "-c", PRELUDE + textwrap.dedent(body), str(log)]


def _lines(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def run_to_exit(body: str, log: Path) -> subprocess.CompletedProcess[str]:
    """Run the child until it exits by itself."""
    return subprocess.run(_command(body, log), capture_output=True, text=True, timeout=TIMEOUT,
                          env=_env(), cwd=log.parent)


def run_and_terminate(body: str, log: Path) -> tuple[int, str]:
    """Run the child until it prints "ready" (its body ends in wait_for_sigterm()), then
    send SIGTERM; the exit status and stderr."""
    with subprocess.Popen(_command(body, log), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, env=_env(), cwd=log.parent) as child:
        try:
            assert child.stdout is not None and child.stderr is not None
            ready = child.stdout.readline().strip()
            assert ready == "ready", child.stderr.read()
            child.send_signal(signal.SIGTERM)
            status = child.wait(TIMEOUT)
            return status, child.stderr.read()
        finally:
            if child.poll() is None:
                child.kill()


def test_sigterm_runs_the_stop_once_and_exits_with_the_sigterm_status(tmp_path: Path) -> None:
    log = tmp_path / "log"
    status, stderr = run_and_terminate("""
        registry.register(log("stopped"))
        wait_for_sigterm()
    """, log)
    # Once: the atexit hook that runs after the handler's SystemExit finds nothing left.
    assert (status, _lines(log)) == (SIGTERM_STATUS, ["stopped"]), stderr


@pytest.mark.parametrize(("ending", "expected_status"), [
    ("pass", 0),
    ("sys.exit(3)", 3),
    ("raise RuntimeError('the program failed')", 1),
])
def test_interpreter_exit_runs_the_stop_once(tmp_path: Path, ending: str, expected_status: int) -> None:
    log = tmp_path / "log"
    proc = run_to_exit(f"""
        registry.register(log("stopped"))
        {ending}
    """, log)
    assert (proc.returncode, _lines(log)) == (expected_status, ["stopped"]), proc.stderr


def test_the_previous_sigterm_handler_is_still_called_after_the_stops(tmp_path: Path) -> None:
    log = tmp_path / "log"
    status, stderr = run_and_terminate("""
        def previous(signum, frame):
            record(f"previous handler {signum}")
            sys.exit(7)
        signal.signal(signal.SIGTERM, previous)
        registry.register(log("stopped"))
        wait_for_sigterm()
    """, log)
    # The previous handler decides how the process ends.
    assert (status, _lines(log)) == (7, ["stopped", f"previous handler {int(signal.SIGTERM)}"]), stderr


@pytest.mark.parametrize("how", ["exit", "sigterm"])
def test_a_stop_that_raises_does_not_prevent_the_others(tmp_path: Path, how: str) -> None:
    log = tmp_path / "log"
    body = textwrap.dedent("""
        registry.register(log("first"))
        registry.register(raiser)
        registry.register(log("last"))
    """)
    if how == "sigterm":
        status, stderr = run_and_terminate(body + "wait_for_sigterm()\n", log)
        assert status == SIGTERM_STATUS, stderr
    else:
        proc = run_to_exit(body, log)
        assert proc.returncode == 0, proc.stderr
    # Newest first, each once, and the failure in the middle stops nothing.
    assert _lines(log) == ["last", "raiser", "first"]


def test_an_unregistered_stop_is_not_run(tmp_path: Path) -> None:
    log = tmp_path / "log"
    proc = run_to_exit("""
        kept = registry.register(log("kept"))
        stopped_normally = registry.register(log("stopped normally"))
        stopped_normally.unregister()
        stopped_normally.unregister()  # harmless
    """, log)
    assert (proc.returncode, _lines(log)) == (0, ["kept"]), proc.stderr


def test_importing_installs_nothing_and_the_first_registration_installs_once(tmp_path: Path) -> None:
    log = tmp_path / "log"
    proc = run_to_exit("""
        import atexit
        ours = []
        real_register = atexit.register
        def spy(func, *args, **kwargs):
            if (getattr(func, "__module__", None) or "").startswith("attune_lint"):
                ours.append(func)
            return real_register(func, *args, **kwargs)
        atexit.register = spy
        import attune_lint.registrar
        import attune_lint.registrar.containers
        import attune_lint.registrar.local_cluster
        import attune_lint.registrar.provision
        from attune_lint.registrar.cleanup import shared_registry
        shared = shared_registry()
        assert shared is shared_registry()
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL, "import changed SIGTERM"
        assert ours == [], f"import registered exit hooks: {ours}"
        shared.register(log("first"))
        handler = signal.getsignal(signal.SIGTERM)
        assert callable(handler) and len(ours) == 1, (handler, ours)
        shared.register(log("second"))
        assert signal.getsignal(signal.SIGTERM) is handler and len(ours) == 1, "installed twice"
    """, log)
    assert (proc.returncode, _lines(log)) == (0, ["second", "first"]), proc.stderr


def test_an_ignored_sigterm_stays_ignored(tmp_path: Path) -> None:
    log = tmp_path / "log"
    proc = run_to_exit("""
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        registry.register(log("stopped"))
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
        os.kill(os.getpid(), signal.SIGTERM)  # survives it
        record("survived")
    """, log)
    assert (proc.returncode, _lines(log)) == (0, ["survived", "stopped"]), proc.stderr


def test_registering_from_another_thread_leaves_sigterm_to_the_main_thread(tmp_path: Path) -> None:
    log = tmp_path / "log"
    status, stderr = run_and_terminate("""
        worker = threading.Thread(target=registry.register, args=(log("from thread"),))
        worker.start()
        worker.join()
        # Python lets only the main thread set signal handlers.
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
        registry.register(log("from main"))
        assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
        wait_for_sigterm()
    """, log)
    assert (status, _lines(log)) == (SIGTERM_STATUS, ["from main", "from thread"]), stderr
