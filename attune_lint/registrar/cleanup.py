"""Stop what we started when the interpreter exits, including by SIGTERM.

The database backends start things that outlive this process unless someone stops them:
a Docker container (``containers.py``) and a local PostgreSQL cluster with its temporary
folder (``local_cluster.py``). Each registers the resource's stop here right after
starting it and unregisters it when it is stopped normally. Whatever is still registered
is stopped

* at interpreter exit (an ``atexit`` hook: normal exit, an uncaught exception, and
  Ctrl-C, whose KeyboardInterrupt ends the program through the same path), and
* on SIGTERM (a CI timeout, ``kill``), which by default kills the process without
  running ``atexit`` hooks. Our handler stops everything, then calls the handler that
  was installed before it, or, when there was none, exits with status 128+15 as the
  default action would be reported by a shell.

The hooks are installed once, when the first resource is registered (or when a backend
asks for them just before starting one, see ``install_hooks``), never at import: merely
importing the registrar must not change the process's signal handling. They are never
removed or restored: once ours, the SIGTERM handler may already have been chained by a
handler installed after it, and putting the old one back would cut that chain. With
nothing registered the hooks do nothing but chain, so leaving them costs nothing.
"""
from __future__ import annotations

import atexit
import signal
import threading
from types import FrameType
from typing import Callable

Stop = Callable[[], object]


class Registration:
    """One registered stop. ``unregister()`` it once the resource was stopped normally."""

    __slots__ = ("_registry",)

    def __init__(self, registry: CleanupRegistry) -> None:
        self._registry = registry

    def unregister(self) -> None:
        """Forget the stop (it will not be run at exit); calling it again is harmless."""
        self._registry._forget(self)


class CleanupRegistry:
    """Stops to run at exit and on SIGTERM, each at most once.

    Stops run last-registered first (as ``atexit`` does: what was started last may
    depend on what was started before it). A stop that raises does not keep the others
    from running: at exit there is nobody left to handle the error, and leftovers have
    their own sweepers (``scripts/ci-docker.sh stop`` removes our labelled containers).
    """

    def __init__(self) -> None:
        # Reentrant: the SIGTERM handler runs in the main thread between two bytecodes,
        # possibly while that same thread holds the lock in register() or stop_all().
        self._lock = threading.RLock()
        self._stops: dict[Registration, Stop] = {}
        self._atexit_installed = False
        # True once the SIGTERM question is settled: our handler installed, or SIG_IGN
        # found (the process chose to survive SIGTERM; that is left alone).
        self._sigterm_settled = False

    def register(self, stop: Stop) -> Registration:
        """Run ``stop`` at exit or on SIGTERM unless it is unregistered first."""
        registration = Registration(self)
        with self._lock:
            self._stops[registration] = stop
        self.install_hooks()
        return registration

    def install_hooks(self) -> None:
        """Install the ``atexit`` hook and the chained SIGTERM handler, once each.

        ``register`` calls this; a backend calls it itself only when a SIGTERM must
        already become an exception before there is anything to register (see
        ``containers.start_postgres_container``). Python only lets the main thread set
        signal handlers: called from another thread, the SIGTERM handler is left for a
        later call from the main thread.
        """
        with self._lock:
            if not self._atexit_installed:
                atexit.register(self.stop_all)
                self._atexit_installed = True
            if self._sigterm_settled or threading.current_thread() is not threading.main_thread():
                return
            self._sigterm_settled = True
            previous = signal.getsignal(signal.SIGTERM)
            if not (previous in (signal.SIG_DFL, None) or callable(previous)):
                return  # SIG_IGN

            def on_sigterm(signum: int, frame: FrameType | None) -> None:
                self.stop_all()
                if callable(previous):
                    previous(signum, frame)
                else:
                    # SystemExit, not the default action: it unwinds the stack, so the
                    # `finally`/`except BaseException` blocks of a start in progress
                    # clean up after themselves, and atexit hooks run.
                    raise SystemExit(128 + signum)

            signal.signal(signal.SIGTERM, on_sigterm)

    def stop_all(self) -> None:
        """Run every registered stop once, newest first; exceptions are swallowed."""
        while True:
            with self._lock:
                if not self._stops:
                    return
                # Removed before it runs: the atexit hook that follows a SIGTERM (or a
                # second SIGTERM arriving during a stop) must not run it again.
                _registration, stop = self._stops.popitem()
            try:
                stop()
            except Exception:  # exit must go on and stop the rest
                pass

    def _forget(self, registration: Registration) -> None:
        with self._lock:
            self._stops.pop(registration, None)


# One registry for the whole process, created on first use. One rather than one per
# backend, because the SIGTERM handler and the atexit hook are process-wide: a single
# registry installs a single link in the handler chain and keeps one newest-first order
# across backends. Shared rather than passed in, because the start functions are called
# through provision.py (the register commands, the test fixtures) and directly by
# scripts; threading a registry through all of them would widen their signatures for no
# gain. Tests that need a registry of their own construct a CleanupRegistry.
_shared: CleanupRegistry | None = None
_shared_lock = threading.Lock()


def shared_registry() -> CleanupRegistry:
    """The process's registry, created (without installing anything) on first call."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = CleanupRegistry()
        return _shared
