"""A ``--jobs 2`` run ends with its workers: SIGTERM (CI runners, ``docker stop``) and SIGINT to
the parent stop the workers at once; none is orphaned (issue 17, item 15).

Real processes: the driver slows every share down (a worker sleeps before checking), so the
workers are certainly busy when the signal arrives; every wait is bounded.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from attune_testkit import bench_generator

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

DRIVER = r"""
import os, sys, time
from attune_lint.run import parallel

real = parallel.check_share

def slow(share, settings, interfaces=None):
    open(os.path.join(sys.argv[1], f"worker-{os.getpid()}"), "w").close()
    time.sleep(120)
    return real(share, settings, interfaces)

parallel.check_share = slow
from attune_lint.cli import main
sys.exit(main(["check", "--no-cache", "--no-config", "--jobs", "2", sys.argv[2]]))
"""


def _generate(out: Path) -> None:
    bench_generator().generate(out, packs=2, workflows=60, seed=3)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except OSError:
        return False


def _wait(predicate, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


@pytest.mark.parametrize("signum, status", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_to_the_parent_ends_the_workers(tmp_path: Path, signum: int, status: int) -> None:
    corpus = tmp_path / "corpus"
    _generate(corpus)
    marks = tmp_path / "marks"
    marks.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    errors = tmp_path / "stderr.txt"
    with errors.open("wb") as stderr:  # a file, not a pipe: an orphan could hold a pipe open
        parent = subprocess.Popen([sys.executable, "-c", DRIVER, str(marks), str(corpus)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=stderr)
    workers: list[int] = []
    try:
        assert _wait(lambda: len(list(marks.iterdir())) >= 2, 60), "the workers never started"
        workers = [int(p.name.split("-")[1]) for p in marks.iterdir()]
        assert all(_alive(pid) for pid in workers)
        started = time.monotonic()
        parent.send_signal(signum)
        parent.wait(timeout=20)
        assert time.monotonic() - started < 10, "the parent waited for its workers' shares"
        assert parent.returncode == status, errors.read_text(errors="replace")
        assert _wait(lambda: not any(_alive(pid) for pid in workers), 10), "orphaned workers"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(timeout=10)
        for pid in workers:  # only the processes this test started
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
