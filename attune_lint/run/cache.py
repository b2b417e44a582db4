"""A cache of lint results, keyed on content, so a re-run over unchanged files parses nothing.

What a file's diagnostics can depend on, and so what its key holds:

* the tool: its version and the size and mtime of every file of the package (a rule edited
  in a development checkout changes the key);
* the settings (every compared field of ``Settings``) and the current folder (paths print
  relative to it);
* the file: its path, its kind and its content;
* its pack: ``pack.yaml`` and every action file (content), and the state of the pack's
  folders (every entry and its type, where symbolic links lead: a ``workflow_file`` may
  name any file); for ``pack.yaml`` and action files also every workflow file of the pack
  (content), since an action's checks may read the graph it links;
* the other packs of the run: their ``pack.yaml`` and action files (content), since a task
  may call another pack's action.

The last two are coarse on purpose: an edited action file re-checks every file of the run;
an edited workflow file re-checks it and its pack's ``pack.yaml`` and action files. Finer keys would need each rule
to declare what it reads; a stale result would be worse than a slower re-run.

Storage: one JSON file per pack (never pickle: the folder may be shared or committed),
named by the hash of the pack's inputs, written atomically (temporary file + rename).
A file that cannot be read or decoded is a miss, never an error. The folder is
``.attune-lint-cache/`` in the current folder when it exists, else
``$XDG_CACHE_HOME/attune-lint`` (``~/.cache/attune-lint``).
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from attune_lint.diagnostics import Diagnostic, Fix, Severity, Span
from attune_lint.files import read_regular, write_atomic
from attune_lint.limits import DEFAULT_MAX_FILE_SIZE, MAX_SIDE_FILE_SIZE

if TYPE_CHECKING:
    from attune_lint.run.parallel import Plan, ShareResult
    from attune_lint.run.result import RunResult
    from attune_lint.settings.record import Settings

FORMAT = 1  # bump when the stored layout changes
LOCAL_DIR = ".attune-lint-cache"
MAX_ENTRIES = 4096  # pack entries kept; the oldest beyond this are removed
INDEX_FILE = "content-index.json"


def default_cache_dir(cwd: Path | None = None) -> Path:
    """``.attune-lint-cache/`` in ``cwd`` when it exists, else the user cache folder."""
    local = (cwd or Path.cwd()) / LOCAL_DIR
    if local.is_dir():
        return local
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "attune-lint"


def _digest(*parts: object) -> str:
    hasher = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part if isinstance(part, bytes) else repr(part).encode("utf-8", "surrogatepass")
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def tool_fingerprint() -> str:
    """Version plus size and mtime of every file of the package (a cheap stat, no reads)."""
    from attune_lint import __version__ as version  # noqa: F401 - attribute may be absent
    root = Path(__file__).resolve().parent
    stamps = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".json", ".sql")):
                stat = os.stat(os.path.join(folder, name))
                stamps.append((os.path.relpath(os.path.join(folder, name), root), stat.st_size, stat.st_mtime_ns))
    return _digest(version, stamps)


def settings_fingerprint(settings: Settings) -> str:
    """Every field of the settings that takes part in equality (not where they came from)."""
    return _digest([(f.name, getattr(settings, f.name)) for f in fields(settings) if f.compare])


@dataclass
class CacheStats:
    """What the last run took from the cache."""

    hits: int = 0          # files whose diagnostics came from the cache
    misses: int = 0        # files checked
    packs_checked: int = 0
    written: int = 0       # pack entries written
    bypassed: bool = False


@dataclass
class _PackInputs:
    """One pack's files as read for the keys."""

    index: int
    entry_key: str                       # names the entry file
    digests: dict[str, str | None] = field(default_factory=dict)  # path → content hash
    hasher: Any = None          # blake2b primed with the run key and the entry key
    hasher_run_key: str = ""
    workflows_digest: str | None = None  # of every workflow file of the pack (for non-workflow files)


def _read(path: Path | str, limit: int) -> bytes | None:
    """The file's bytes; None when it is unreadable, not a regular file or over ``limit``
    (the run reports those files itself; the cache must not block or fill memory on them)."""
    try:
        return read_regular(path, limit)
    except OSError:
        return None


# A file's stat is trusted to stand for its content only when its ctime was at least this
# much older than the moment it was hashed: a later write then always moves the ctime
# (the kernel's clock is coarse, so a write in the same tick as the hashing could not).
TRUST_AFTER_NS = 2_000_000_000


class ContentIndex:
    """Content hashes of files, reused while (size, mtime, ctime, inode) are unchanged.

    Saves reading every file on a re-run; a file whose stat changed, or that was written
    shortly before it was hashed, is read and hashed again.
    """

    def __init__(self, path: Path | None, max_file_size: int = DEFAULT_MAX_FILE_SIZE) -> None:
        self.path = path
        self.max_file_size = max_file_size
        self.rows: dict[str, list[Any]] = {}
        self.dirty = False
        if path is not None:
            try:
                rows = json.loads(read_regular(path, MAX_SIDE_FILE_SIZE))
                if isinstance(rows, dict) and rows.get("format") == FORMAT and isinstance(rows.get("files"), dict):
                    self.rows = rows["files"]
            except (OSError, ValueError, UnicodeDecodeError, RecursionError):
                pass

    def digest(self, path: str) -> str | None:
        """The content hash of ``path`` (None when it cannot be read)."""
        key = os.path.abspath(path)
        try:
            stat = os.stat(key)
        except OSError:
            return None
        signature = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
        row = self.rows.get(key)
        if (isinstance(row, list) and len(row) == 6 and row[:4] == signature
                and isinstance(row[5], int) and row[5] - stat.st_ctime_ns > TRUST_AFTER_NS):
            return str(row[4])
        hashed_at = time.time_ns()
        data = _read(key, self.max_file_size)
        if data is None:
            return None
        digest = hashlib.blake2b(data, digest_size=20).hexdigest()
        self.rows[key] = [*signature, digest, hashed_at]
        self.dirty = True
        return digest

    def fresh_digest(self, path: str) -> str | None:
        """The hash of what the file holds now, read again."""
        data = _read(path, self.max_file_size)
        return None if data is None else hashlib.blake2b(data, digest_size=20).hexdigest()


class CachedLinter:
    """``lint`` with a result cache; ``enabled=False`` (``--no-cache``) neither reads nor writes it.

    Misses are checked with ``parallel`` (worker processes when there are many files).
    """

    def __init__(self, cache_dir: Path | str | None = None, *, enabled: bool = True,
                 jobs: int | None = None, shard: tuple[int, int] | None = None) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.enabled = enabled
        self.jobs = jobs
        self.shard = shard
        self.stats = CacheStats()
        self.index = ContentIndex(None)

    # -- public -------------------------------------------------------------------------

    def lint(self, paths: Sequence[Path | str], settings: Settings | None = None) -> RunResult:
        from attune_lint.run import parallel
        from attune_lint.settings.record import Settings as _Settings

        settings = settings or _Settings()
        self.stats = CacheStats(bypassed=not self.enabled)
        if not self.enabled:
            return parallel.lint_parallel(paths, settings, self.jobs, shard=self.shard)
        started = time.perf_counter()
        self.index = ContentIndex(self.cache_dir / INDEX_FILE, settings.max_file_size)
        plan = self._plan = parallel.plan(paths)
        base = _digest(FORMAT, tool_fingerprint(), settings_fingerprint(settings), os.getcwd())
        inputs = [self._pack_inputs(plan, i, base) for i in range(len(plan.packs))]
        # The run key covers every pack of the run, also with a shard: the other shards'
        # packs are the neighbours whose actions a task may call.
        run_key = _digest(base, sorted(i.entry_key for i in inputs))
        if self.shard is not None:
            plan, kept = parallel.restrict(plan, self.shard, settings.max_file_size)
            self._plan = plan
            inputs = [replace(inputs[j], index=i) for i, j in enumerate(kept)]

        results: list[ShareResult] = []
        stale: dict[int, frozenset[str] | None] = {}  # pack → displays to check (None: all)
        for pack in inputs:
            found = self._from_entry(self._load(pack.entry_key), pack, run_key)
            if found is None:
                stale[pack.index] = None
                continue
            cached, missing = found
            cached.pack_index = pack.index  # type: ignore[attr-defined]
            results.append(cached)
            if missing:
                stale[pack.index] = frozenset(missing)
        results.extend(self._check(plan, stale, settings, inputs, run_key))

        # Cached results hold the findings of their hits, checked results those of their
        # misses: the union, de-duplicated and sorted, is what the serial run reports.
        merged = parallel.ShareResult()
        for result in results:
            merged.diagnostics.extend(result.diagnostics)
            merged.problems.extend(result.problems)
            merged.sources.update(result.sources)
        merged.diagnostics = sorted(set(merged.diagnostics), key=Diagnostic.sort_key)
        merged.targets = self._targets_in_order(plan, results)
        self.stats.misses = len(merged.targets) - self.stats.hits
        self._add_sources(merged, inputs)
        if self.index.dirty:
            self._write_json(self.cache_dir / INDEX_FILE, {"format": FORMAT, "files": self.index.rows})
        if self.stats.written:
            self._prune({self._entry_path(i.entry_key).name for i in inputs})
        return parallel.to_run_result(merged, settings, time.perf_counter() - started)

    # -- keys ---------------------------------------------------------------------------

    def _pack_inputs(self, plan: Plan, index: int, base: str) -> _PackInputs:
        root, chosen = plan.packs[index]
        files = plan.listings[index]
        pack = _PackInputs(index, "")
        interface = []
        for path in [files.manifest, *files.actions]:
            digest = pack.digests[path] = self.index.digest(path)
            interface.append((os.path.basename(path), digest))
        listing = _folder_state(str(root))
        # The entry key covers everything that decides which files are targets and what the
        # pack offers to other packs; a file's own content is checked per file on lookup.
        pack.entry_key = _digest(base, str(root), None if chosen is None else [str(p) for p in chosen],
                                 interface, listing)
        return pack

    def _file_key(self, run_key: str, pack: _PackInputs, path: str, kind: str, display: str) -> str | None:
        digest = pack.digests.get(path)
        if digest is None:
            digest = pack.digests[path] = self.index.digest(path)
            if digest is None:
                return None
        prefix = pack.hasher
        if prefix is None or pack.hasher_run_key != run_key:
            prefix = pack.hasher = hashlib.blake2b(_digest(run_key, pack.entry_key).encode(), digest_size=20)
            pack.hasher_run_key = run_key
        hasher = prefix.copy()  # the run's and the pack's part hashed once per pack
        if kind not in ("graph", "standalone"):
            # pack.yaml and action files: their checks may look at the graphs they link
            hasher.update(self._workflows_digest(pack).encode())
        hasher.update("\0".join((path, kind, display, digest)).encode("utf-8", "surrogatepass"))
        return hasher.hexdigest()

    def _workflows_digest(self, pack: _PackInputs) -> str:
        if pack.workflows_digest is None:
            files = self._plan.listings[pack.index]
            pack.workflows_digest = _digest([(p, self.index.digest(p)) for p in files.standalone + files.graphs])
        return pack.workflows_digest

    # -- entries ------------------------------------------------------------------------

    def _entry_path(self, key: str) -> Path:
        return self.cache_dir / f"{key}.json"

    def _load(self, key: str) -> dict[str, Any] | None:
        """The stored entry, or None when absent, unreadable, corrupt or of another format."""
        try:
            entry = json.loads(read_regular(self._entry_path(key), MAX_SIDE_FILE_SIZE))
            if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("key") != key:
                return None
            if not isinstance(entry.get("targets"), list):
                return None
            return entry
        except (OSError, ValueError, UnicodeDecodeError, RecursionError):
            return None

    def _from_entry(self, entry: dict[str, Any] | None, pack: _PackInputs,
                    run_key: str) -> tuple[ShareResult, list[str]] | None:
        """The cached findings of the files whose key still matches, and the displays of the
        others; None when there is no usable entry (the whole pack is checked)."""
        from attune_lint.run.parallel import ShareResult

        if entry is None:
            return None
        result = ShareResult()
        missing: list[str] = []
        hits = 0
        try:
            for path, kind, display, key, encoded in entry["targets"]:
                result.targets.append((path, kind, display))
                if key is not None and key == self._file_key(run_key, pack, path, kind, display):
                    result.diagnostics.extend(_decode(d) for d in encoded)
                    hits += 1
                else:
                    missing.append(display)
        except (TypeError, ValueError, KeyError):  # a corrupt entry
            return None
        self.stats.hits += hits
        return result, missing

    def _check(self, plan: Plan, stale: dict[int, frozenset[str] | None], settings: Settings,
               inputs: list[_PackInputs], run_key: str) -> list[ShareResult]:
        from attune_lint.run import parallel
        extra = plan.extra_paths()  # lone files and missing paths: cheap, never cached
        if not stale and not extra:
            return []
        indexes = sorted(stale)
        files = sum(plan.file_counts[i] if stale[i] is None else len(stale[i] or ()) for i in indexes)
        jobs = parallel.default_jobs() if self.jobs is None else max(1, self.jobs)
        parts = jobs if files >= parallel.PARALLEL_MIN_FILES and len(indexes) > 1 else 1
        results: list[ShareResult] = []
        if indexes:
            only = {i: s for i, s in stale.items() if s is not None}
            shares = parallel.split(plan, parts, packs=indexes)
            # A pack re-checked only in part must not drop its other files' cached findings;
            # a share's ``only`` is the union of its packs' misses (all targets for a new pack).
            shares = [self._restrict(share, plan, indexes, only) for share in shares]
            share_results = parallel.run_shares(shares, settings, parts)
            self.stats.packs_checked += len(indexes)
            for share_result in share_results:
                self._store(share_result, plan, inputs, run_key, stale)
            results.extend(share_results)
        if extra:
            results.append(parallel.check_share(parallel.Share(tuple(extra), plan.pack_roots), settings))
        return results

    @staticmethod
    def _restrict(share: Any, plan: Plan, indexes: list[int], only: dict[int, frozenset[str]]) -> Any:
        from attune_lint.run.parallel import Share

        own = [i for i in indexes if any(p in share.paths for p in plan.pack_paths(i))]
        if any(i not in only for i in own):
            # A pack without an entry: every target of that pack; the others' misses too.
            # Targets are unknown before loading, so check the whole share.
            return share
        return Share(share.paths, share.pack_roots, frozenset().union(*(only[i] for i in own)))

    def _store(self, result: ShareResult, plan: Plan, inputs: list[_PackInputs], run_key: str,
               stale: dict[int, frozenset[str] | None]) -> None:
        """Write (or update) the entries of the packs a share checked."""
        roots = {str(root): i for i, (root, _) in enumerate(plan.packs)}
        by_display: dict[str, list[Diagnostic]] = {}
        for diagnostic in result.diagnostics:
            by_display.setdefault(diagnostic.path, []).append(diagnostic)
        displays = {t[2] for t in result.targets}
        if any(path not in displays for path in by_display):
            return  # a finding outside the share's files: do not cache what we cannot key
        per_pack: dict[int, list[tuple[str, str, str]]] = {}
        for target in result.targets:
            index = _pack_of(target[0], roots)
            if index is None:
                return
            per_pack.setdefault(index, []).append(target)
        for index, targets in per_pack.items():
            pack = inputs[index]
            checked_now = stale.get(index)
            old = {t[2]: t for t in (self._load(pack.entry_key) or {}).get("targets", [])} if checked_now else {}
            rows = []
            for path, kind, display in targets:
                if checked_now is None or display in checked_now:
                    key = self._file_key(run_key, pack, path, kind, display)
                    if self.index.fresh_digest(path) != pack.digests.get(path):
                        key = None  # changed while it was checked: which version was checked is unknown
                    rows.append([path, kind, display, key, [_encode(d) for d in by_display.get(display, [])]])
                elif display in old:
                    rows.append(list(old[display]))
                else:
                    rows.append([path, kind, display, None, []])
            self._write(pack.entry_key, {"format": FORMAT, "key": pack.entry_key, "targets": rows})

    def _write(self, key: str, entry: dict[str, Any]) -> None:
        if self._write_json(self._entry_path(key), entry):
            self.stats.written += 1

    def _write_json(self, target: Path, data: dict[str, Any]) -> bool:
        """Atomically: a temporary file in the same folder, renamed over the target."""
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            _mark_cache_dir(self.cache_dir)
            write_atomic(target, json.dumps(data, separators=(",", ":")), durable=False)
        except OSError:
            return False  # an unwritable cache only costs speed
        return True

    def _prune(self, keep: set[str]) -> None:
        """Remove the oldest entries beyond ``MAX_ENTRIES``, once per run (one scan of the
        folder, whatever the number of packs). The run's own entries (``keep``: their file
        names) are never removed: a run of more packs than ``MAX_ENTRIES`` keeps them all."""
        try:
            entries = [e for e in os.scandir(self.cache_dir) if e.name.endswith(".json") and e.name != INDEX_FILE]
        except OSError:
            return
        limit = max(MAX_ENTRIES, len(keep))
        if len(entries) <= limit:
            return
        stale = []
        for entry in entries:
            if entry.name in keep:
                continue
            try:
                stale.append((entry.stat().st_mtime_ns, entry.path))
            except OSError:
                continue
        stale.sort()
        for _mtime, path in stale[: len(entries) - limit]:
            try:
                os.unlink(path)
            except OSError:
                pass

    # -- result -------------------------------------------------------------------------

    @staticmethod
    def _targets_in_order(plan: Plan, results: list[ShareResult]) -> list[tuple[str, str, str]]:
        """Targets in the serial run's order: packs in plan order, each pack's own order, then the rest."""
        roots = {str(root): i for i, (root, _) in enumerate(plan.packs)}
        by_pack: dict[int | None, list[tuple[str, str, str]]] = {}
        seen: set[str] = set()
        for result in results:
            known = getattr(result, "pack_index", None)  # a cached pack's result: one pack
            for target in result.targets:
                if target[2] in seen:
                    continue
                seen.add(target[2])
                by_pack.setdefault(known if known is not None else _pack_of(target[0], roots), []).append(target)
        ordered = [t for i in range(len(plan.packs)) for t in by_pack.get(i, [])]
        return ordered + by_pack.get(None, [])

    @staticmethod
    def _add_sources(merged: ShareResult, inputs: list[_PackInputs]) -> None:
        """Where to read the text of the files with findings that came from the cache, if a
        reporter asks for it (snippets, baselines)."""
        wanted = {d.path for d in merged.diagnostics} - set(merged.sources)
        if not wanted:
            return
        for path, _kind, display in merged.targets:
            if display in wanted:  # RunResult reads it only if the reader would have
                merged.lazy_sources[display] = path


def _folder_state(root: str) -> list[Any]:
    """What checks may see of a pack's folders besides file contents: every entry of the pack
    root, ``actions/``, ``actions/workflows/`` and ``workflows/`` (any name, with its type: a
    ``workflow_file`` may name a missing or non-YAML file), and where symbolic links lead."""
    state: list[Any] = [os.path.realpath(root)]
    for folder in (root, os.path.join(root, "actions"), os.path.join(root, "actions", "workflows"),
                   os.path.join(root, "workflows")):
        try:
            with os.scandir(folder) as entries:
                names = sorted((e.name, e.is_symlink(), e.is_dir(), e.is_file()) for e in entries)
        except OSError:
            names = []
        state.append((os.path.realpath(folder), names))
    return state


def _pack_of(path: str, roots: dict[str, int]) -> int | None:
    """The plan index of the pack holding ``path`` (the nearest enclosing root)."""
    current = os.path.dirname(path)
    while True:
        index = roots.get(current)
        if index is not None:
            return index
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _mark_cache_dir(folder: Path) -> None:
    """CACHEDIR.TAG (backup tools skip the folder) and a .gitignore (never committed)."""
    tag = folder / "CACHEDIR.TAG"
    if not tag.exists():
        tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n# attune-lint result cache\n")
        (folder / ".gitignore").write_text("*\n")


def _encode(d: Diagnostic) -> list[Any]:
    span = d.span
    fix = None if d.fix is None else [_span(d.fix.span), d.fix.text]
    related = [[path, _span(s), note] for path, s, note in d.related]
    return [d.path, _span(span), int(d.severity), d.code, d.rule, d.message, d.suggestion, fix, related]


def _span(span: Span) -> list[int]:
    return [span.line, span.column, span.end_line, span.end_column]


def _decode(row: list[Any]) -> Diagnostic:
    path, span, severity, code, rule, message, suggestion, fix, related = row
    return Diagnostic(
        path=path, span=Span(*span), severity=Severity(severity), code=code, rule=rule, message=message,
        suggestion=suggestion, fix=None if fix is None else Fix(Span(*fix[0]), fix[1]),
        related=tuple((p, Span(*s), note) for p, s, note in related),
    )
