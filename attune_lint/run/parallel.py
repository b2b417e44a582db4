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
from attune_lint.document.reader import SourceFile, YamlDocument
from attune_lint.run.gc_pause import gc_paused
from attune_lint.run.result import RunResult
from attune_lint.run.serial import lint_serial, load_workspace
from attune_lint.settings.record import Settings
from attune_lint.workspace import discovery
from attune_lint.workspace.discovery import PackListing
from attune_lint.workspace.pack import Pack
from attune_lint.workspace.workspace import DocumentStore, Target, Workspace, load_pack

# Below this many files a serial run is faster than starting worker processes (measured
# with bench/run.py on a 2-core machine; see bench/README.md).
PARALLEL_MIN_FILES = 100
# Shares per worker. More, smaller shares bound each worker's memory (the trees of one share
# at a time) but cost their neighbour packs' loading: on the 6,200-file bench corpus, 1 share
# per worker took 11.7 s and 315 MB per worker, 2 took 14.4 s / 216 MB, 4 took 14.6 s / 154 MB.
SHARES_PER_JOB = 1

# Neighbour packs already loaded in this worker process (None outside a pool: a serial run
# never reuses them, so an edited file between two runs is always read again).
_worker_neighbours: dict[Path, Any] | None = None


def _init_worker() -> None:
    global _worker_neighbours
    _worker_neighbours = {}


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
    sources: dict[str, str] = field(default_factory=dict)  # display → text, files with findings only
    # display → path of files with findings whose text is read only if a reporter asks
    # (the cache's hits: a re-run with snippets off reads none of them)
    lazy_sources: dict[str, str] = field(default_factory=dict)


@dataclass
class Plan:
    """A run's paths sorted into packs (in the serial run's order), lone files and missing paths."""

    packs: list[tuple[Path, tuple[Path, ...] | None]]  # (root, chosen files or None for all)
    lone_files: list[Path]
    missing: list[Path]
    file_counts: list[int]  # files per pack, for balancing
    listings: list[PackListing] = field(default_factory=list)  # the files of each pack, by kind

    @property
    def files(self) -> int:
        return sum(self.file_counts) + len(self.lone_files)

    def pack_paths(self, index: int) -> list[str]:
        root, chosen = self.packs[index]
        return [str(root)] if chosen is None else [str(p) for p in chosen]

    @property
    def pack_roots(self) -> tuple[str, ...]:
        return tuple(str(root) for root, _ in self.packs)

    def extra_paths(self) -> list[str]:
        """Lone files and missing paths: checked with the last share, as the serial run lists them last."""
        return [str(p) for p in self.lone_files] + [str(p) for p in self.missing]


def plan(paths: Sequence[Path | str]) -> Plan:
    """Discover what ``paths`` select, without reading any YAML."""
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


def check_share(share: Share, settings: Settings) -> ShareResult:
    """Load and check one share, with the run's other packs as neighbours.

    Mirrors ``run.lint`` (load, exclude, check) for the share's packs.
    """
    with gc_paused():
        workspace = load_workspace(share.paths, settings)
        all_targets = [(str(t.path), t.kind, t.display) for t in workspace.targets]
        _add_neighbours(workspace, share.pack_roots, settings.max_file_size)
        if share.only is not None:
            workspace.targets = [t for t in workspace.targets if t.display in share.only]
        diagnostics = check_workspace(workspace, settings)
    with_findings = {d.path for d in diagnostics}
    sources = {t.display: t.document.source.text for t in workspace.targets
               if t.display in with_findings and t.document.source is not None}
    return ShareResult(all_targets, diagnostics, list(workspace.problems), sources)


def _add_neighbours(workspace: Workspace, pack_roots: tuple[str, ...], max_file_size: int) -> None:
    """Put the run's other packs into ``workspace.packs``, in the serial run's (sorted) order."""
    own = {Path(os.path.normpath(p.root)): p for p in workspace.packs}
    store: DocumentStore | None = None
    reuse = _worker_neighbours
    packs = []
    for raw in pack_roots:
        root = Path(raw)
        pack = own.get(root)
        if pack is None and reuse is not None:
            pack = reuse.get(root)
        if pack is None:
            store = store or DocumentStore(max_file_size)
            pack = _neighbour_pack(root, store)
            if reuse is not None:
                reuse[root] = pack
        packs.append(pack)
    # Packs the share loaded that the plan did not name (cannot happen with plan()'s paths)
    # keep their place at the end rather than vanish.
    named = {Path(r) for r in pack_roots}
    packs.extend(p for root, p in own.items() if root not in named)
    workspace.packs = packs


class NeighbourPack(Pack):
    """Another share's pack: manifest read now, action files only when a check asks."""

    def __init__(self, root: Path, store: DocumentStore) -> None:
        manifest_path = root / discovery.MANIFEST
        manifest = store.get(manifest_path, root) if manifest_path.is_file() else None
        super().__init__(root=root, manifest_path=manifest_path, manifest=manifest,
                         manifest_data=manifest.data if manifest is not None else {})
        self._store = store

    @property  # type: ignore[override]
    def actions(self) -> list[Any]:
        loaded = self.__dict__.get("_actions")
        if loaded is None:
            loaded = self.__dict__["_actions"] = load_pack(self.root, self._store).actions
        return loaded

    @actions.setter
    def actions(self, value: list[Any]) -> None:
        # The dataclass __init__ assigns the default []; keep it lazy until read.
        self.__dict__["_actions"] = value or None


def _neighbour_pack(root: Path, store: DocumentStore) -> Pack:
    return NeighbourPack(root, store)


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
        return [check_share(share, settings) for share in shares]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # fork starts workers with everything already imported (no re-import per worker);
    # elsewhere, spawn.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(shares)), mp_context=context,
                                 initializer=_init_worker) as pool:
            return list(pool.map(check_share, shares, [settings] * len(shares), chunksize=1))
    except BrokenProcessPool:  # a worker was killed (memory?): finish serially
        return [check_share(share, settings) for share in shares]


def to_run_result(merged: ShareResult, settings: Settings, seconds: float) -> RunResult:
    """A ``RunResult`` reporters can use: targets without trees, sources for snippets."""
    workspace = Workspace(problems=list(merged.problems))
    for path, kind, display in merged.targets:
        text = merged.sources.get(display)
        source = SourceFile(display, text) if text is not None else None
        workspace.targets.append(Target(Path(path), kind, YamlDocument(display, source, None, [])))  # type: ignore[arg-type]
    return RunResult(merged.diagnostics, workspace, settings, seconds, lazy_sources=dict(merged.lazy_sources))


def lint_parallel(paths: Sequence[Path | str], settings: Settings | None = None, jobs: int | None = None,
                  min_files: int = PARALLEL_MIN_FILES) -> RunResult:
    """``run.lint`` over worker processes, one share of packs per worker.

    ``jobs`` defaults to the number of cores; with one job, or fewer than ``min_files``
    files, the run is the plain serial ``run.lint`` (starting workers would cost more).
    The diagnostics equal the serial run's, in the same (sorted) order.
    """
    settings = settings or Settings()
    jobs = default_jobs() if jobs is None else max(1, jobs)
    started = time.perf_counter()
    found = plan(paths)
    if jobs == 1 or found.files < min_files or len(found.packs) < 2:
        return lint_serial(paths, settings)
    shares = split(found, min(len(found.packs), jobs * SHARES_PER_JOB))
    extra = found.extra_paths()
    if extra:
        last = shares[-1]
        shares[-1] = Share(last.paths + tuple(extra), last.pack_roots, last.only)
    merged = merge(shares, run_shares(shares, settings, jobs))
    return to_run_result(merged, settings, time.perf_counter() - started)
