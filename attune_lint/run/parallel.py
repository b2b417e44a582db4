"""Check packs in worker processes when a run has many files.

A pack is the unit of work: its files are checked together because of cross-file rules
(an action and the graph it links, duplicate refs). Every worker also sees the *other*
packs of the run as lazily loaded neighbours, because a task may call another pack's
action and the reference check then looks into that pack (``workspace.packs``); so a share
checked in a worker gives the same diagnostics as in one serial run.

Workers return only picklable records (``ShareResult``): the targets' paths and kinds,
the final diagnostics, the loading problems and the source text of files with findings
(what reporters need for snippets). Positioned trees never cross a process boundary.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from attune_lint.check.checker import check_workspace
from attune_lint.diagnostics import Diagnostic
from attune_lint.document.reader import YamlDocument
from attune_lint.limits import DEFAULT_MAX_FILE_SIZE
from attune_lint.run.gc_pause import gc_paused
from attune_lint.run.result import PackOutline, RunResult, outlines_of
from attune_lint.run.serial import load_workspace
from attune_lint.settings.record import Settings
from attune_lint.workspace import discovery
from attune_lint.workspace.discovery import PackListing
from attune_lint.run.interface import LazyPackInterface, Neighbours
from attune_lint.workspace.workspace import DocumentStore, Target, Workspace

# Below this many files a serial run is faster than starting worker processes (measured
# with bench/run.py on a 2-core machine; see bench/README.md).
PARALLEL_MIN_FILES = 100
# Shares per worker. More, smaller shares bound each worker's memory (the trees of one share
# at a time) but cost their neighbour packs' loading: on the 6,200-file bench corpus, 1 share
# per worker took 11.7 s and 315 MB per worker, 2 took 14.4 s / 216 MB, 4 took 14.6 s / 154 MB.
SHARES_PER_JOB = 1

# Neighbour packs already loaded in this worker process (None outside a pool: a serial run
# never reuses them, so an edited file between two runs is always read again).
_worker_neighbours: Neighbours | None = None


def _init_worker() -> None:
    global _worker_neighbours
    _worker_neighbours = Neighbours()
    import signal

    # A worker ends with its parent: the parent stops it on SIGTERM and SIGINT (it ignores
    # an interrupt of the terminal's process group itself), and Linux ends it when the
    # parent dies any other way (SIGKILL included).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()


def _die_with_parent() -> None:
    """prctl(PR_SET_PDEATHSIG, SIGTERM) where it exists (Linux); elsewhere the parent's
    handlers (``run_shares``) are what stops the workers."""
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGTERM), 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the call: nobody would signal us
        os._exit(1)


class _Terminated(BaseException):
    """SIGTERM received while workers run: stop them, then exit as the signal asks."""


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Share:
    """One worker's part of a run: paths as ``discovery.select`` takes them.

    ``only``: check only the targets with these display paths (the cache's misses);
    None checks every target the paths select.
    """

    paths: tuple[str, ...]
    pack_roots: tuple[str, ...]  # every pack root of the run, for neighbour packs
    only: frozenset[str] | None = None


@dataclass
class ShareResult:
    """What a share's check hands back: picklable, no trees."""

    targets: list[tuple[str, str, str]] = field(default_factory=list)  # (path, kind, display)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    # display → {line: text}: the lines the findings point at (for snippets and baselines)
    sources: dict[str, dict[int, str]] = field(default_factory=dict)
    # display → path of files with findings whose text is read only if a reporter asks
    # (the cache's hits: a re-run with snippets off reads none of them)
    lazy_sources: dict[str, str] = field(default_factory=dict)
    outlines: list[PackOutline] = field(default_factory=list)  # of the packs checked


@dataclass
class Plan:
    """A run's paths sorted into packs (in the serial run's order), lone files and missing paths."""

    packs: list[tuple[Path, tuple[Path, ...] | None]]  # (root, chosen files or None for all)
    lone_files: list[Path]
    missing: list[Path]
    file_counts: list[int]  # files per pack, for balancing
    listings: list[PackListing] = field(default_factory=list)  # the files of each pack, by kind
    # Every pack root of the run when the plan holds only a shard of its packs: the others
    # are still the neighbours (interfaces) of the shard's packs.
    all_roots: tuple[str, ...] | None = None

    @property
    def files(self) -> int:
        return sum(self.file_counts) + len(self.lone_files)

    def pack_paths(self, index: int) -> list[str]:
        root, chosen = self.packs[index]
        return [str(root)] if chosen is None else [str(p) for p in chosen]

    @property
    def pack_roots(self) -> tuple[str, ...]:
        if self.all_roots is not None:
            return self.all_roots
        return tuple(str(root) for root, _ in self.packs)

    def extra_paths(self) -> list[str]:
        """Lone files and missing paths: checked with the last share, as the serial run lists them last."""
        return [str(p) for p in self.lone_files] + [str(p) for p in self.missing]


def parse_shard(text: str) -> tuple[int, int]:
    """``"K/N"`` → ``(K, N)`` with 1 ≤ K ≤ N; ValueError with a readable message otherwise."""
    head, sep, tail = text.partition("/")
    try:
        if not sep:
            raise ValueError
        index, count = int(head), int(tail)
    except ValueError:
        raise ValueError(f"a shard is written K/N (e.g. 2/4), not {text!r}") from None
    if not 1 <= count <= 10_000 or not 1 <= index <= count:
        raise ValueError(f"shard {text!r}: K must be between 1 and N, N between 1 and 10000")
    return index, count


def shard_of(pack_ref: str, count: int) -> int:
    """The shard (1 to ``count``) a pack belongs to: a stable hash of its ref (the same on
    every machine and Python version, unlike ``hash()``)."""
    import hashlib  # here: only a sharded run needs it, and a one-file check starts faster without

    digest = hashlib.blake2b(pack_ref.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count + 1


def pack_ref_of(root: Path, max_file_size: int) -> str:
    """The pack's ref as a run sees it (pack.yaml's ``ref``, else the folder name)."""
    return LazyPackInterface(root, max_file_size).ref


def restrict(plan_: Plan, shard: tuple[int, int], max_file_size: int) -> tuple[Plan, list[int]]:
    """The plan of one shard: the packs whose ref hashes to it (lone files and missing paths
    go to shard 1), every pack of the run kept as a neighbour; and their indexes in ``plan_``."""
    index, count = shard
    kept = [i for i, (root, _) in enumerate(plan_.packs) if shard_of(pack_ref_of(root, max_file_size), count) == index]
    first = index == 1
    return Plan([plan_.packs[i] for i in kept], list(plan_.lone_files) if first else [],
                list(plan_.missing) if first else [], [plan_.file_counts[i] for i in kept],
                [plan_.listings[i] for i in kept], plan_.pack_roots), kept


def plan(paths: Sequence[Path | str], shard: tuple[int, int] | None = None,
         max_file_size: int = DEFAULT_MAX_FILE_SIZE) -> Plan:
    """Discover what ``paths`` select, without reading any YAML (but pack.yaml files for a
    ``shard``); with ``shard`` (K, N), only the packs of shard K."""
    found = _plan(paths)
    return found if shard is None else restrict(found, shard, max_file_size)[0]


def _plan(paths: Sequence[Path | str]) -> Plan:
    selection = discovery.select(paths)
    packs: list[tuple[Path, tuple[Path, ...] | None]] = []
    counts: list[int] = []
    listings: list[PackListing] = []
    for root in sorted(selection.packs):
        chosen = selection.packs[root]
        listing = PackListing.scan(root)
        packs.append((root, None if chosen is None else tuple(sorted(chosen))))
        listings.append(listing)
        counts.append(len(listing.all_files()) if chosen is None else len(chosen))
    return Plan(packs, list(selection.lone_files), list(selection.missing), counts, listings)


def split(plan_: Plan, parts: int, only: dict[int, frozenset[str]] | None = None,
          packs: Iterable[int] | None = None) -> list[Share]:
    """Contiguous runs of packs with about equal file counts (neighbouring packs, which often
    call each other, tend to land in the same share)."""
    indexes = list(range(len(plan_.packs))) if packs is None else list(packs)
    total = sum(plan_.file_counts[i] for i in indexes) or 1
    groups: list[list[int]] = [[]]
    filled = 0
    for i in indexes:
        # A pack goes to the next share when more than half of it lies past this share's end.
        if groups[-1] and filled + plan_.file_counts[i] / 2 > total * len(groups) / parts and len(groups) < parts:
            groups.append([])
        groups[-1].append(i)
        filled += plan_.file_counts[i]
    shares = []
    for group in groups:
        wanted: frozenset[str] | None = None
        if only is not None:
            wanted = frozenset().union(*(only.get(i, frozenset()) for i in group))
        paths = [p for i in group for p in plan_.pack_paths(i)]
        shares.append(Share(tuple(paths), plan_.pack_roots, wanted))
    return shares


def check_share(share: Share, settings: Settings, neighbours: Neighbours | None = None) -> ShareResult:
    """Check one share pack by pack, with the run's other packs as neighbours.

    Mirrors ``run.lint`` (load, exclude, check) for the share's packs, one pack at a time:
    a pack's trees are dropped once its diagnostics (and the source lines they point at)
    are taken, so memory is bounded by the largest pack, not by the share. Every other pack
    is seen through its interface (``run/interface.py``: its ref and its actions' refs), read
    once per process. ``neighbours``: those interfaces, shared by the calls of one run
    (default: the worker's, or a fresh one).
    """
    if neighbours is None:
        neighbours = _worker_neighbours if _worker_neighbours is not None else Neighbours()
    selection = discovery.select(share.paths)
    parts: list[tuple[list[str], list[Path]]] = [
        ([str(root)] if chosen is None else sorted(str(p) for p in chosen), [root])
        for root, chosen in sorted(selection.packs.items())]
    extra = [str(p) for p in selection.lone_files] + [str(p) for p in selection.missing]
    if extra or not parts:
        parts.append((extra, []))
    result = ShareResult()
    files = sum(len(PackListing.scan(root).all_files()) if chosen is None else len(chosen)
                for root, chosen in selection.packs.items()) + len(selection.lone_files)
    for paths, roots in parts:
        _check_part(paths, roots, share, settings, neighbours, result, files)
    result.diagnostics = sorted(set(result.diagnostics), key=Diagnostic.sort_key)
    return result


def _check_part(paths: list[str], roots: list[Path], share: Share, settings: Settings,
                neighbours: Neighbours, result: ShareResult, files: int = 0) -> None:
    """Load, check and reduce one pack (``roots``: its root; none for the share's lone files
    and missing paths); ``files``: how many the share holds in all."""
    with gc_paused():
        store = DocumentStore(settings.max_file_size, neighbours.take_documents(roots))
        # Diagnostics, targets and sources only leave this function: a pack of which only
        # some files are checked reads only the action files they need.
        workspace = load_workspace(paths, settings, store, needed_context=True)
        del store
        workspace.run_files = files
        result.targets.extend((str(t.path), t.kind, t.display) for t in workspace.targets)
        for pack in workspace.packs:
            if not pack.partial:  # a partial pack's actions are not its interface
                neighbours.remember(pack)
        result.outlines.extend(outlines_of(workspace))
        _add_neighbours(workspace, share.pack_roots, settings.max_file_size, neighbours)
        if share.only is not None:
            workspace.targets = [t for t in workspace.targets if t.display in share.only]
        diagnostics = check_workspace(workspace, settings)
        result.diagnostics.extend(diagnostics)
        result.problems.extend(workspace.problems)
        sources = {t.display: t.document.source for t in workspace.targets if t.document.source is not None}
        for diagnostic in diagnostics:
            source = sources.get(diagnostic.path)
            if source is not None:
                result.sources.setdefault(diagnostic.path, {})[diagnostic.line] = source.line_text(diagnostic.line)
        del workspace, sources, diagnostics
    # The trees are garbage now; any cycles among them go with the next collection.


def _add_neighbours(workspace: Workspace, pack_roots: tuple[str, ...], max_file_size: int,
                    neighbours: Neighbours) -> None:
    """Put the run's other packs into ``workspace.packs`` as interfaces, in the serial run's
    (sorted) order; the workspace's own packs keep their trees."""
    own = {Path(os.path.normpath(p.root)): p for p in workspace.packs}
    packs = []
    for raw in pack_roots:
        root = Path(raw)
        pack = own.get(root)
        packs.append(pack if pack is not None else neighbours.interface(root, max_file_size))
    # Packs the share loaded that the plan did not name (cannot happen with plan()'s paths)
    # keep their place at the end rather than vanish.
    named = {Path(r) for r in pack_roots}
    packs.extend(p for root, p in own.items() if root not in named)
    workspace.packs = packs


def merge(shares: Sequence[Share], results: Sequence[ShareResult]) -> ShareResult:
    """One result from the shares' results: each target's diagnostics from the share that owns
    it; diagnostics of other paths (missing paths) from any share, de-duplicated."""
    merged = ShareResult()
    owner: dict[str, int] = {}
    for index, result in enumerate(results):
        for target in result.targets:
            owner.setdefault(target[2], index)
            merged.targets.append(target)
        merged.problems.extend(result.problems)
        merged.sources.update(result.sources)
        merged.outlines.extend(result.outlines)
    found: set[Diagnostic] = set()
    for index, result in enumerate(results):
        for diagnostic in result.diagnostics:
            if owner.get(diagnostic.path, index) == index:
                found.add(diagnostic)
    merged.diagnostics = sorted(found, key=Diagnostic.sort_key)
    return merged


def run_shares(shares: Sequence[Share], settings: Settings, jobs: int) -> list[ShareResult]:
    """Check the shares, in worker processes when ``jobs`` > 1; results in share order."""
    if jobs <= 1 or len(shares) <= 1:
        neighbours = Neighbours()
        return [check_share(share, settings, neighbours) for share in shares]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # fork starts workers with everything already imported (no re-import per worker);
    # elsewhere, spawn.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(shares)), mp_context=context, initializer=_init_worker)
    previous = _on_sigterm()
    stopped = False
    try:
        return list(pool.map(check_share, shares, [settings] * len(shares), chunksize=1))
    except BrokenProcessPool:  # a worker was killed (memory?): finish serially
        stopped = _stop(pool)
        return run_shares(shares, settings, 1)
    except _Terminated:
        stopped = _stop(pool)
        raise SystemExit(128 + 15) from None
    except BaseException:  # Ctrl-C, an error: the workers stop now, not after their share
        stopped = _stop(pool)
        raise
    finally:
        _restore_sigterm(previous)
        if not stopped:
            pool.shutdown(wait=True)


def _on_sigterm() -> Any:
    """Turn SIGTERM into ``_Terminated`` while workers run (main thread only)."""
    import signal

    def handler(signum: int, frame: Any) -> None:
        raise _Terminated()

    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: the workers still die with the process (Linux)
        return None


def _restore_sigterm(previous: Any) -> None:
    import signal

    if previous is not None:
        try:
            signal.signal(signal.SIGTERM, previous)
        except ValueError:
            pass


def _stop(pool: Any) -> bool:
    """Kill the pool's worker processes at once (a share can take many seconds)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            process.kill()
        except (OSError, ValueError, AttributeError):
            pass
    pool.shutdown(wait=False, cancel_futures=True)
    return True


def to_run_result(merged: ShareResult, settings: Settings, seconds: float) -> RunResult:
    """A ``RunResult`` reporters can use: targets without trees, sources for snippets."""
    workspace = Workspace(problems=list(merged.problems))
    for path, kind, display in merged.targets:
        workspace.targets.append(Target(Path(path), kind, YamlDocument(display, None, None, [])))  # type: ignore[arg-type]
    # Any other line of a checked file (a registration error's, say) is read when asked.
    lazy = {display: path for path, _kind, display in merged.targets if display not in merged.sources}
    lazy.update(merged.lazy_sources)
    return RunResult(merged.diagnostics, workspace, settings, seconds, lazy_sources=lazy,
                     kept_lines=merged.sources, outlines=list(merged.outlines))


def lint_parallel(paths: Sequence[Path | str], settings: Settings | None = None, jobs: int | None = None,
                  min_files: int = PARALLEL_MIN_FILES, shard: tuple[int, int] | None = None) -> RunResult:
    """``run.lint`` over worker processes, one share of packs per worker.

    ``jobs`` defaults to the number of cores; with one job, or fewer than ``min_files``
    files, the run is ``lint_bounded`` in this process (starting workers would cost more).
    The diagnostics equal the serial run's, in the same (sorted) order.
    """
    settings = settings or Settings()
    jobs = default_jobs() if jobs is None else max(1, jobs)
    started = time.perf_counter()
    found = plan(paths, shard, settings.max_file_size)
    if jobs == 1 or found.files < min_files or len(found.packs) < 2:
        jobs = 1
    shares = split(found, 1 if jobs == 1 else min(len(found.packs), jobs * SHARES_PER_JOB))
    extra = found.extra_paths()
    if extra:
        last = shares[-1]
        shares[-1] = Share(last.paths + tuple(extra), last.pack_roots, last.only)
    merged = merge(shares, run_shares(shares, settings, jobs))
    return to_run_result(merged, settings, time.perf_counter() - started)


def lint_bounded(paths: Sequence[Path | str], settings: Settings | None = None,
                 shard: tuple[int, int] | None = None) -> RunResult:
    """``run.lint`` in this process, one pack's trees at a time: the result holds the
    diagnostics, the checked files and the source lines the diagnostics point at (no trees)."""
    return lint_parallel(paths, settings, 1, shard=shard)
