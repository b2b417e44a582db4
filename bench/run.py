"""Benchmark attune-lint against its peers, in one run, on one generated corpus.

    python bench/run.py [--corpus DIR] [--packs 40] [--workflows 100] [--seed 1] [--reps 3]
                        [--jobs N] [--skip NAME ...] [--only onefile] [--direct]
                        [--profile] [--threshold] [--memory-runs 5]

Every measurement runs in fresh processes, ``--reps`` times; the table quotes medians.
Peak memory is the largest resident set of any one process of the command (GNU
``/usr/bin/time -f %M``; else ``getrusage(RUSAGE_CHILDREN)``). Ratios are attune-lint's time
divided by the peer's (below 1: attune-lint is faster).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PY = sys.executable
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None


@dataclass
class Measure:
    name: str
    files: int
    seconds: list[float] = field(default_factory=list)
    rss_kb: int = 0
    note: str = ""
    na: str | None = None  # reason when not measured

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")

    @property
    def rate(self) -> float:
        return self.files / self.median if self.seconds and self.median > 0 else float("nan")


def bench_env() -> dict[str, str]:
    """The environment of every timed process: byte-code caching on (as in any installed
    tool; some sandboxes set PYTHONDONTWRITEBYTECODE, which would make every process
    compile attune-lint from source while the peers' wheels ship compiled), kept outside
    the repository."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("PYTHONPYCACHEPREFIX", str(Path(tempfile.gettempdir()) / "attune-bench-pycache"))
    return env


ENV = bench_env()


def tool(name: str, direct: bool) -> str:
    """The command that runs the tool ``name``: as found on PATH, or with ``direct`` the
    script installed beside this interpreter (what a virtualenv's bin/ or a pre-commit
    environment runs; a version manager's shim on PATH, such as pyenv's, adds a shell and
    a second process, 50-100 ms, to every call of every tool alike)."""
    beside = Path(sys.executable).parent / name
    return str(beside) if direct and beside.is_file() else name


def timed(argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> tuple[float, int, int, str]:
    """Wall seconds, peak RSS (KiB) of the largest process, exit status, stderr tail."""
    env = env or ENV
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file:
        command = [GNU_TIME, "-f", "%M", "-o", rss_file.name, *argv] if GNU_TIME else argv
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - started
        if GNU_TIME:
            text = rss_file.read().strip().splitlines()
            rss = int(text[-1]) if text and text[-1].isdigit() else 0
        else:  # children's maximum only grows: exact when this command is the largest so far
            rss = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return seconds, rss, done.returncode, done.stderr[-600:]


def repeat(measure: Measure, reps: int, *commands: list[str], cwd: Path | None = None,
           env: dict[str, str] | None = None, warm: bool = False) -> Measure:
    """Time ``commands`` run one after the other as one repetition (their times add up)."""
    if warm:
        for argv in commands:
            timed(argv, cwd, env)
    for _ in range(reps):
        total = 0.0
        for argv in commands:
            seconds, rss, code, err = timed(argv, cwd, env)
            total += seconds
            measure.rss_kb = max(measure.rss_kb, rss)
            if code not in (0, 1):
                measure.note = f"exit {code}: {err.strip().splitlines()[-1] if err.strip() else ''}"
        measure.seconds.append(total)
    return measure


def interleaved(measures: list[tuple[Measure, list[str]]], reps: int) -> None:
    """Each repetition runs every command once, one after the other, so that the load of a
    shared machine falls on all of them alike (a ratio compares commands of the same moments)."""
    for _ in range(reps):
        for measure, argv in measures:
            seconds, rss, code, err = timed(argv)
            measure.seconds.append(seconds)
            measure.rss_kb = max(measure.rss_kb, rss)
            if code not in (0, 1):
                measure.note = f"exit {code}: {err.strip().splitlines()[-1] if err.strip() else ''}"


def one_file_paths(kinds: dict[str, list[Path]]) -> list[tuple[str, Path, str]]:
    """(label, file, kind): the middle graph file of the action-linked packs, the middle standalone file."""
    linked = kinds["graph"][len(kinds["graph"]) // 2] if kinds["graph"] else None
    standalone = kinds["standalone"][len(kinds["standalone"]) // 2] if kinds["standalone"] else None
    return [(label, path, kind) for label, path, kind in (("graph file of an action-linked pack", linked, "graph"),
                                                         ("standalone file", standalone, "standalone"))
            if path is not None]


def one_file_argv(path: Path, direct: bool) -> list[str]:
    # --no-cache: the pre-commit case checks a file that just changed, never a cache hit
    return [tool("attune-lint", direct), "check", "--no-cache", "-q", "--no-snippet", "--no-config", str(path)]


def only_one_file(kinds: dict[str, list[Path]], schemas: dict[str, Path], reps: int, direct: bool) -> int:
    """``--only onefile``: the one-file rows alone, attune-lint and check-jsonschema interleaved."""
    rows: list[tuple[Measure, list[str]]] = []
    for label, path, kind in one_file_paths(kinds):
        rows.append((Measure(f"attune-lint, one {label}", 1), one_file_argv(path, direct)))
        rows.append((Measure(f"check-jsonschema, one {label}", 1),
                     [tool("check-jsonschema", direct), "--schemafile", str(schemas[kind]), str(path)]))
    for _measure, argv in rows:  # untimed: byte code compiled, files in the page cache
        timed(argv)
    print(f"  timing the one-file rows, {reps} interleaved repetitions ...", file=sys.stderr, flush=True)
    interleaved(rows, reps)
    print(f"\n{'measurement':58} {'median s':>9}  runs")
    for measure, argv in rows:
        runs = ", ".join(f"{s:.3f}" for s in measure.seconds)
        print(f"{measure.name:58} {measure.median:9.3f}  {runs}{'  ' + measure.note if measure.note else ''}")
    for index in range(0, len(rows), 2):
        ours, peer = rows[index][0], rows[index + 1][0]
        pairs = ", ".join(f"{a / b:.2f}" for a, b in zip(ours.seconds, peer.seconds))
        print(f"ratio {ours.name} ÷ check-jsonschema: {ours.median / peer.median:.3f} (target ≤ 0.500); "
              f"per repetition: {pairs}")
    print(f"commands: {' '.join(rows[0][1][:1])}, {rows[1][1][0]}")
    print(f"load average at end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


def corpus_files(corpus: Path) -> dict[str, list[Path]]:
    """The corpus' YAML files by kind (the files every tool is given)."""
    kinds: dict[str, list[Path]] = {"pack": [], "action": [], "graph": [], "standalone": []}
    for pack in sorted(p for p in corpus.iterdir() if (p / "pack.yaml").is_file()):
        kinds["pack"].append(pack / "pack.yaml")
        kinds["action"].extend(sorted((pack / "actions").glob("*.yaml")))
        kinds["graph"].extend(sorted((pack / "actions" / "workflows").glob("*.yaml")))
        kinds["standalone"].extend(sorted((pack / "workflows").glob("*.yaml")))
    return kinds


def checker_argv(corpus: Path, jobs: int | None, cache: Path | None) -> list[str]:
    """attune-lint check with the given jobs and cache folder (None: --no-cache)."""
    flags: list[str] = []
    if jobs is not None:
        flags += ["--jobs", str(jobs)]
    flags += ["--cache-dir", str(cache)] if cache is not None else ["--no-cache"]
    return ["attune-lint", "check", *flags, "-q", "--no-snippet", "--no-config", str(corpus)]


def start_database() -> tuple[object | None, str | None, str]:
    """A throwaway local PostgreSQL (initdb/pg_ctl), its DSN, or the reason there is none."""
    dsn = os.environ.get("ATTUNE_TEST_DSN")
    if dsn:
        return None, dsn, "ATTUNE_TEST_DSN"
    try:
        from attune_lint.registrar.local_cluster import start_local_cluster

        cluster = start_local_cluster()
        return cluster, cluster.dsn, "local cluster"
    except Exception as exc:  # noqa: BLE001 - any failure becomes the n/a reason
        return None, None, f"no local PostgreSQL: {type(exc).__name__}: {exc}"


def fmt(value: float, digits: int = 2) -> str:
    return "n/a" if value != value else f"{value:,.{digits}f}"


def print_table(measures: list[Measure], ratios: list[tuple[str, Measure, Measure, str]]) -> None:
    print()
    print(f"{'measurement':46} {'files':>6} {'median s':>9} {'files/s':>9} {'peak MB':>8}  runs")
    for m in measures:
        if m.na:
            print(f"{m.name:46} {m.files:>6} {'n/a':>9} {'n/a':>9} {'n/a':>8}  {m.na}")
            continue
        runs = " ".join(f"{s:.2f}" for s in m.seconds)
        print(f"{m.name:46} {m.files:>6} {fmt(m.median, 3):>9} {fmt(m.rate, 0):>9} {m.rss_kb / 1024:>8.1f}  [{runs}]"
              + (f"  ({m.note})" if m.note else ""))
    print()
    print(f"{'ratio (attune-lint ÷ peer, time)':60} {'ratio':>7}  {'target':>8}")
    for label, ours, peer, target in ratios:
        if ours.na or peer.na or not ours.seconds or not peer.seconds:
            print(f"{label:60} {'n/a':>7}  {target:>8}")
        else:
            print(f"{label:60} {ours.median / peer.median:>7.3f}  {target:>8}")


def memory_runs(corpus: Path, runs: int) -> list[float]:
    """RSS (MiB) after each of ``runs`` serial checks of the corpus in one process."""
    script = (
        "import sys, gc\n"
        "from attune_lint.run.runner import lint\n"
        "def rss():\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith('VmRSS:'): return int(line.split()[1]) / 1024\n"
        f"for i in range({runs}):\n"
        f"    result = lint([{str(corpus)!r}]); del result; gc.collect()\n"
        "    print(round(rss(), 1), flush=True)\n"
    )
    done = subprocess.run([PY, "-c", script], capture_output=True, text=True, env=ENV)
    return [float(x) for x in done.stdout.split()]


def threshold(jobs: int, seed: int) -> list[tuple[int, float, float]]:
    """Serial vs parallel wall time (fresh processes, no cache) by corpus size: 4 packs of
    growing size, generated alike."""
    import generate

    rows = []
    for per_pack in (2, 5, 10, 20, 40, 80, 160):
        work = Path(tempfile.mkdtemp(prefix="attune-threshold-"))
        try:
            stats = generate.generate(work / "packs", packs=4, workflows=per_pack, seed=seed)
            code = ("import sys, time\nfrom attune_lint.run import parallel\n"
                    "t = time.perf_counter()\n"
                    f"parallel.lint_parallel([{str(work / 'packs')!r}], jobs=int(sys.argv[1]), min_files=0)\n"
                    "print(time.perf_counter() - t)\n")
            serial = statistics.median(timed([PY, "-c", code, "1"])[0] for _ in range(3))
            par = statistics.median(timed([PY, "-c", code, str(jobs)])[0] for _ in range(3))
            rows.append((stats.files, serial, par))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return rows


def profile(corpus: Path, packs: int = 4) -> None:
    """cProfile of the serial path over ``packs`` packs: where the time goes."""
    subset = sorted(p for p in corpus.iterdir() if (p / "pack.yaml").is_file())[:packs]
    code = (
        "import cProfile, pstats, io, sys\n"
        "from attune_lint.run.runner import lint\n"
        f"paths = {[str(p) for p in subset]!r}\n"
        "lint(paths[:1])\n"  # imports and schema compilation out of the way
        "profiler = cProfile.Profile(); profiler.enable(); result = lint(paths); profiler.disable()\n"
        "print(result.files_checked, 'files')\n"
        "stats = pstats.Stats(profiler); total = stats.total_tt\n"
        "areas = {'yaml compose (libyaml + tree)': ('document/reader.py', 'yaml/'),\n"
        "         'jsonschema validation': ('jsonschema/', 'referencing/', 'rules/structure.py'),\n"
        "         'expressions/templates': ('expressions/', 'rules/templates.py', 'rules/expression_names.py'),\n"
        "         'graph + workflow model': ('rules/graph.py', 'check/workflow_view.py'),\n"
        "         'references/gotchas': ('rules/references.py', 'rules/gotchas.py'),\n"
        "         'tree helpers (to_python, get)': ('document/tree.py',),\n"
        "         'suppressions/settings/checker': ('check/suppressions.py', 'settings/', 'check/checker.py'),\n"
        "         'discovery/loader': ('workspace/', 'pathlib.py')}\n"
        "own = {k: 0.0 for k in areas}; other = 0.0\n"
        "for (file, line, name), (cc, nc, tt, ct, callers) in stats.stats.items():\n"
        "    for area, keys in areas.items():\n"
        "        if any(k in file for k in keys): own[area] += tt; break\n"
        "    else: other += tt\n"
        "print('self time by area (share of %.2f s):' % total)\n"
        "for area, t in sorted(own.items(), key=lambda kv: -kv[1]): print('  %-34s %6.2f s %5.1f%%' % (area, t, 100 * t / total))\n"
        "print('  %-34s %6.2f s %5.1f%%' % ('other (builtins, re, ...)', other, 100 * other / total))\n"
        "out = io.StringIO(); pstats.Stats(profiler, stream=out).sort_stats('tottime').print_stats(25); print(out.getvalue()[-6000:])\n"
        "out = io.StringIO(); pstats.Stats(profiler, stream=out).sort_stats('cumulative').print_stats(30); print(out.getvalue()[-7000:])\n"
    )
    subprocess.run([PY, "-c", code], check=False, env=ENV)


def means(reps: int) -> None:
    """Before/after of two means the table does not show: schema compiled once, lazy imports."""
    code = (
        "import time, statistics, sys\n"
        "t = time.perf_counter(); import attune_lint.cli; t_cli = time.perf_counter() - t\n"
        "from attune_lint import schemas\n"
        "from attune_lint.schemas import precise\n"
        "t = time.perf_counter(); precise.precise_validator('graph'); compile_once = time.perf_counter() - t\n"
        "times = []\n"
        "for _ in range(5):\n"
        "    precise.precise_validator.cache_clear(); precise.registry.cache_clear(); schemas.schema.cache_clear()\n"
        "    t = time.perf_counter(); precise.precise_validator('graph'); times.append(time.perf_counter() - t)\n"
        "print(f'schema compile: {statistics.median(times) * 1000:.1f} ms per compile; compiled once per process instead '\n"
        "      f'of once per file saves about that much per file ({statistics.median(times) * 4000:.1f} s over 4,000 files)')\n"
        "print(f'import attune_lint.cli: {t_cli * 1000:.1f} ms')\n"
    )
    subprocess.run([PY, "-c", code], check=False, env=ENV)
    eager = ("import attune_lint.cli, attune_lint.run.runner, attune_lint.check.checker, jsonschema, yaml; "
             "import psycopg, ruamel.yaml, testcontainers; import attune_lint.registrar.registrar")
    lazy = "import attune_lint.cli"
    rows = []
    for label, stmt in (("lazy: import attune_lint.cli only", lazy), ("eager: also psycopg, ruamel.yaml, testcontainers, registrar", eager)):
        runs = sorted(timed([PY, "-c", stmt])[0] for _ in range(max(3, reps)))
        rows.append((label, statistics.median(runs)))
    for label, seconds in rows:
        print(f"start-up, {label:60} {seconds * 1000:7.1f} ms (process start included)")
    done = subprocess.run([PY, "-c", "import sys, runpy; sys.argv=['attune-lint','check','--no-config','examples/packs/legacy_ops/workflows/rotate_logs.yaml'];\n"
                           "from attune_lint.cli import main\nmain()\n"
                           "heavy=[m for m in ('psycopg','ruamel','testcontainers','jsonschema','pytest') if m in sys.modules]\n"
                           "print('heavy modules imported by a one-file check:', heavy or 'none', file=sys.stderr)"],
                          cwd=REPO, capture_output=True, text=True, env=ENV)
    print(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None, help="existing corpus (default: generate one)")
    parser.add_argument("--packs", type=int, default=40)
    parser.add_argument("--workflows", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip", nargs="*", default=[],
                        help="any of: serial parallel cached jsonschema yamllint onefile pytest register memory means")
    parser.add_argument("--only", choices=["onefile"], default=None,
                        help="time only these rows (onefile: attune-lint and check-jsonschema interleaved)")
    parser.add_argument("--direct", action="store_true",
                        help="run the tools installed beside this interpreter rather than the ones on PATH "
                             "(which may be a version manager's shims)")
    parser.add_argument("--profile", action="store_true", help="also profile the serial path")
    parser.add_argument("--threshold", action="store_true", help="also measure serial vs parallel by corpus size")
    parser.add_argument("--memory-runs", type=int, default=5)
    args = parser.parse_args(argv)
    skip = set(args.skip)

    sys.path.insert(0, str(HERE))
    import generate

    work = Path(tempfile.mkdtemp(prefix="attune-bench-"))
    corpus = args.corpus
    if corpus is None:
        corpus = work / "corpus"
        stats = generate.generate(corpus, args.packs, args.workflows, args.seed)
        print(f"corpus: {stats.packs} packs, {stats.workflows} workflows, {stats.files} YAML files, "
              f"{stats.lines} lines, {sum(stats.mistakes.values())} with a mistake (seed {args.seed}) in {corpus}")
    kinds = corpus_files(corpus)
    files = sum(len(v) for v in kinds.values())
    workflows = len(kinds["graph"]) + len(kinds["standalone"])
    print(f"machine: {os.cpu_count()} cores, load average {', '.join(f'{x:.2f}' for x in os.getloadavg())} at start; "
          f"{args.reps} repetitions each")
    cache_dir = work / "cache"
    schemas = {}
    for kind in kinds:
        schemas[kind] = work / f"{kind}.schema.json"
        schemas[kind].write_text(subprocess.run(["attune-lint", "schema", kind], capture_output=True, text=True,
                                                check=True).stdout)
    if args.only == "onefile":
        status = only_one_file(kinds, schemas, args.reps, args.direct)
        shutil.rmtree(work, ignore_errors=True)  # schemas and the generated corpus; never --corpus
        return status
    measures: dict[str, Measure] = {}
    # Warm-up, untimed: byte code compiled, files in the page cache, for every tool alike.
    for argv in (["attune-lint", "check", "-q", "--no-config", str(REPO / "examples" / "packs")],
                 ["check-jsonschema", "--schemafile", str(schemas["graph"]), str(kinds["graph"][0] if kinds["graph"] else kinds["standalone"][0])],
                 ["yamllint", str(REPO / "examples")], [PY, "-m", "pytest", "--version"],
                 ["attune-lint", "register", "--help"], ["cat", *map(str, (p for v in kinds.values() for p in v))]):
        timed(argv, cwd=work)

    def run(key: str, measure: Measure, *commands: list[str], **kw: object) -> None:
        measures[key] = measure
        if key in skip:
            measure.na = "skipped"
            return
        print(f"  timing {measure.name} ...", file=sys.stderr, flush=True)
        repeat(measure, args.reps, *commands, **kw)  # type: ignore[arg-type]

    run("serial", Measure("attune-lint check (serial, no cache)", files),
        checker_argv(corpus, 1, None))
    run("parallel", Measure(f"attune-lint check --jobs {args.jobs} (no cache)", files),
        checker_argv(corpus, args.jobs, None))
    run("cached", Measure("attune-lint check, cached re-run (unchanged)", files),
        checker_argv(corpus, args.jobs, cache_dir), warm=True)
    jsonschema_cmds = [["check-jsonschema", "--schemafile", str(schemas[k]), *map(str, v)] for k, v in kinds.items() if v]
    run("jsonschema", Measure("check-jsonschema (attune-lint's schemas)", files), *jsonschema_cmds)
    run("yamllint", Measure("yamllint (default config)", files), ["yamllint", "-f", "parsable", str(corpus)])

    for label, path, kind in one_file_paths(kinds):
        run(f"onefile-{kind}", Measure(f"attune-lint, one {label}", 1), one_file_argv(path, args.direct))
        run(f"onefile-{kind}-peer", Measure(f"check-jsonschema, one {label}", 1),
            [tool("check-jsonschema", args.direct), "--schemafile", str(schemas[kind]), str(path)])
        if "onefile" in skip:
            measures[f"onefile-{kind}"].na = measures[f"onefile-{kind}-peer"].na = "skipped"

    plugin = subprocess.run([PY, "-m", "pytest", "--help"], capture_output=True, text=True, cwd=work)
    pytest_measure = Measure("pytest --attune-packs", workflows)
    if "pytest" in skip:
        measures["pytest"] = pytest_measure
        pytest_measure.na = "skipped"
    elif "--attune-packs" not in plugin.stdout:
        measures["pytest"] = pytest_measure
        pytest_measure.na = "the pytest-attune plugin has no --attune-packs option yet"
    else:
        run("pytest", pytest_measure,
            [PY, "-m", "pytest", "--attune-packs", "-q", "-p", "no:cacheprovider", "--no-header", "-o", "addopts=",
             "--rootdir", str(corpus), str(corpus)], cwd=work)

    register = Measure("attune-lint register --dry-run (PostgreSQL)", workflows)
    measures["register"] = register
    help_text = subprocess.run(["attune-lint", "register", "--help"], capture_output=True, text=True)
    if "register" in skip:
        register.na = "skipped"
    elif "--dry-run" not in help_text.stdout:
        register.na = "attune-lint register --dry-run is not there yet"
    else:
        cluster, dsn, how = start_database()
        if dsn is None:
            register.na = how
        else:
            try:
                print("  timing register ...", file=sys.stderr, flush=True)
                repeat(register, args.reps, ["attune-lint", "register", "--dry-run", "--db", dsn, str(corpus)])
                register.note = (register.note + "; " if register.note else "") + how
            finally:
                if cluster is not None:
                    cluster.stop()  # type: ignore[attr-defined]

    order = ["serial", "parallel", "cached", "jsonschema", "yamllint", "onefile-graph", "onefile-graph-peer",
             "onefile-standalone", "onefile-standalone-peer", "pytest", "register"]
    table = [measures[k] for k in order if k in measures]
    serial, par = measures["serial"], measures["parallel"]
    best = par if par.seconds and (not serial.seconds or par.median < serial.median) else serial
    ratios = [
        ("full check (serial) ÷ check-jsonschema", serial, measures["jsonschema"], "≤ 0.100"),
        (f"full check (--jobs {args.jobs}) ÷ check-jsonschema", par, measures["jsonschema"], "≤ 0.100"),
        ("full check (best) ÷ yamllint", best, measures["yamllint"], ""),
        ("cached re-run ÷ check-jsonschema", measures["cached"], measures["jsonschema"], ""),
        ("one graph file ÷ check-jsonschema one file", measures.get("onefile-graph", Measure("", 0, na="-")),
         measures.get("onefile-graph-peer", Measure("", 0, na="-")), "≤ 0.500"),
        ("one standalone file ÷ check-jsonschema one file", measures.get("onefile-standalone", Measure("", 0, na="-")),
         measures.get("onefile-standalone-peer", Measure("", 0, na="-")), "≤ 0.500"),
        ("pytest --attune-packs ÷ full check (serial)", measures["pytest"], serial, "≤ 3.000"),
        ("register --dry-run ÷ full check (serial)", register, serial, ""),
    ]
    print_table(table, ratios)
    print(f"\ntargets: ≥ 1,500 files/s full check (best: {fmt(best.rate, 0)}); cached re-run ≤ 0.3 s "
          f"({fmt(measures['cached'].median, 3)} s); register {workflows} ≤ 3 s ({fmt(register.median, 2)} s, lint included)")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")

    if "memory" not in skip:
        rss = memory_runs(corpus, args.memory_runs)
        print(f"\nmemory, one process checking the corpus {args.memory_runs} times (RSS MiB after each run): {rss}")
    if "means" not in skip:
        print("\nmeans, before/after:")
        means(args.reps)
    if args.threshold:
        print(f"\nserial vs --jobs {args.jobs} by size (median of 3 fresh processes, no cache):")
        for count, serial_s, par_s in threshold(args.jobs, args.seed):
            print(f"  {count:6} files: serial {serial_s:6.2f} s, parallel {par_s:6.2f} s ({serial_s / par_s:4.2f}×)")
    if args.profile:
        print("\nprofile of the serial path:")
        profile(corpus)
    shutil.rmtree(work, ignore_errors=True)  # schemas, cache and the generated corpus; never --corpus
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
