"""Peak memory (RSS) of a run by the number of packs: is it bounded by the largest pack?

Not a timed test: prints a table. Every figure is the peak resident set of a fresh
process (the parent and, for ``--jobs 2``, the largest worker: ``ru_maxrss`` of the
process and of its waited-for children), the median of ``--reps`` runs.

    python bench/memory.py                          # 10/20/40/80 packs, serial and --jobs 2
    python bench/memory.py --packs 10 40 --modes serial jobs2 pytest register
    python bench/memory.py --modes pytest register --root . /tmp/old-checkout   # side by side

Modes: ``serial`` (``check --no-cache --jobs 1``), ``jobs2`` (``--jobs 2``), ``pytest``
(``pytest --attune-packs`` over the corpus), ``register`` (``register --dry-run`` into a
throwaway database; needs psycopg and PostgreSQL, skipped otherwise). The database is
started once for the whole run (``bench/run.start_database``: ``ATTUNE_TEST_DSN``, else a
local cluster) and every ``register`` is given its DSN, so that starting a cluster (initdb,
a child process of its own) is not part of any figure; ``--db DSN`` names one instead.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Runs the command as a child and prints the peak RSS (KiB) of this wrapper's children:
# ru_maxrss of RUSAGE_CHILDREN is the largest of the waited-for descendants (the parent run;
# with --jobs 2, also its workers, whichever peaked higher).
PROBE = r"""
import resource, subprocess, sys, json
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
print(json.dumps({"rc": proc.returncode, "kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "err": proc.stderr.decode(errors="replace")[-2000:]}))
"""


def command(mode: str, corpus: Path, dsn: str | None = None) -> list[str] | None:
    lint = [sys.executable, "-m", "attune_lint"]
    if mode == "serial":
        return [*lint, "check", "-q", "--no-snippet", "--no-config", "--no-cache", "--jobs", "1", str(corpus)]
    if mode == "jobs2":
        return [*lint, "check", "-q", "--no-snippet", "--no-config", "--no-cache", "--jobs", "2", str(corpus)]
    if mode == "pytest":
        return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                "--attune-packs", "--rootdir", str(corpus), str(corpus)]
    if mode == "register":
        try:
            import psycopg  # noqa: F401
        except ImportError:
            return None
        return [*lint, "register", "--dry-run", "--db", dsn or "auto", str(corpus)]
    raise ValueError(mode)


def peak_kib(cmd: list[str], root: Path = ROOT) -> tuple[int, int, str]:
    out = subprocess.run([sys.executable, "-c", PROBE, *cmd], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(root)}, cwd=str(root), check=True)
    row = json.loads(out.stdout)
    return row["kib"], row["rc"], row["err"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packs", type=int, nargs="+", default=[10, 20, 40, 80])
    parser.add_argument("--workflows", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--modes", nargs="+", default=["serial", "jobs2"],
                        choices=["serial", "jobs2", "pytest", "register"])
    parser.add_argument("--root", type=Path, nargs="+", default=[ROOT],
                        help="the attune-lint source trees to measure, side by side in one run "
                             "(default: this checkout)")
    parser.add_argument("--db", default=None, metavar="DSN",
                        help="the database for 'register' (default: ATTUNE_TEST_DSN, else a local "
                             "cluster started once for the run)")
    parser.add_argument("--work", type=Path, default=None, help="folder for the corpora (default: a temp dir)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="attune-memory-"))
    sys.path.insert(0, str(HERE))

    cluster, dsn = None, args.db
    if "register" in args.modes and dsn is None:
        from run import start_database  # type: ignore[import-not-found]

        cluster, dsn, why = start_database()
        if dsn is None:
            print(f"register: {why}; each run provisions its own (--db auto)", file=sys.stderr)
    try:
        table = measure(args, work, dsn)
    finally:
        if cluster is not None:
            cluster.stop()  # type: ignore[attr-defined]
    print()
    print("| mode | " + " | ".join(f"{p} packs" for p in args.packs) + " | 40 / 10 |")
    print("| --- |" + " --- |" * (len(args.packs) + 1))
    for mode, row in table.items():
        ratio = f"{row[40] / row[10]:.2f}×" if 40 in row and 10 in row else "–"
        print(f"| {mode} | " + " | ".join(f"{row[p]:.0f} MB" if p in row else "–" for p in args.packs)
              + f" | {ratio} |")
    return 0


def measure(args: argparse.Namespace, work: Path, dsn: str | None) -> dict[str, dict[int, float]]:
    """``{row label: {packs: median MB}}``; a row per mode and source tree."""
    from generate import generate  # type: ignore[import-not-found]

    table: dict[str, dict[int, float]] = {}
    for packs in args.packs:
        corpus = work / f"packs{packs}"
        if not corpus.exists():
            generate(corpus, packs=packs, workflows=args.workflows, seed=args.seed)
        for mode in args.modes:
            cmd = command(mode, corpus, dsn)
            if cmd is None:
                print(f"{mode}: skipped (psycopg not installed)", file=sys.stderr)
                continue
            for root in args.root:
                label = mode if len(args.root) == 1 else f"{mode} @ {root}"
                runs = []
                for _ in range(args.reps):
                    kib, rc, err = peak_kib(cmd, root.resolve())
                    if rc not in (0, 1):
                        print(f"{label} {packs} packs: exit {rc}\n{err}", file=sys.stderr)
                    runs.append(kib / 1024)
                table.setdefault(label, {})[packs] = statistics.median(runs)
                print(f"{label:8} {packs:4} packs: {statistics.median(runs):7.1f} MB  (runs: "
                      + ", ".join(f"{r:.1f}" for r in runs) + ")", flush=True)
    return table


if __name__ == "__main__":
    raise SystemExit(main())
