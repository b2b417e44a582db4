"""The result of a lint run, as reporters, the baseline and the registrar read it."""
from __future__ import annotations

import os
from pathlib import Path
from dataclasses import dataclass, field

from attune_lint.diagnostics import Diagnostic
from attune_lint.document.reader import SourceFile, read_source
from attune_lint.workspace.discovery import find_pack_root
from attune_lint.settings.record import Settings
from attune_lint.workspace.workspace import Workspace, link_outside


@dataclass(frozen=True)
class PackOutline:
    """What a run that drops its trees still says about a pack it checked: its ref, its
    action files' refs and its workflow files' refs (paths as loaded, ``str``)."""

    root: str
    ref: str
    actions: tuple[tuple[str, str], ...] = ()    # (path, ref) of action files with a ref
    workflows: tuple[tuple[str, str], ...] = ()  # (path, ref) of every loaded workflow file


@dataclass
class RunResult:
    """What a run hands to reporters: the diagnostics, what was checked, and the text of
    the files the diagnostics point into (for snippets and baselines)."""

    diagnostics: list[Diagnostic]
    workspace: Workspace
    settings: Settings
    seconds: float
    extra: dict[str, object] = field(default_factory=dict)
    # reporters' notes (baseline counts ...)
    # Files whose text a parallel or cached run did not keep: read when a snippet needs them.
    lazy_sources: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    # Lines kept by a run that dropped its trees: display → {line: text}, the lines its
    # diagnostics point at.
    kept_lines: dict[str, dict[int, str]] = field(default_factory=dict, repr=False, compare=False)
    # The checked packs' outlines, in run order (runs in this process or over workers; not
    # the packs a cached run took from the cache).
    outlines: list[PackOutline] = field(default_factory=list, repr=False, compare=False)
    _sources: dict[str, SourceFile | None] | None = field(default=None, repr=False, compare=False)

    @property
    def files_checked(self) -> int:
        return len(self.workspace.targets)

    @property
    def failed(self) -> bool:
        return self.settings.fails(self.diagnostics)

    def line_of(self, path: str, line: int) -> str:
        """Source text of ``line`` in the file shown as ``path`` ('' when unknown)."""
        kept = self.kept_lines.get(path)
        if kept is not None and line in kept:
            return kept[line]
        if self._sources is None:  # one lookup table, not a scan of every target per finding
            self._sources = {t.display: t.document.source for t in reversed(self.workspace.targets)
                             if t.document.source is not None}
        source = self._sources.get(path)
        if source is None and path in self.lazy_sources:
            source = self._sources[path] = _confined_source(self.lazy_sources.pop(path), path,
                                                            self.settings.max_file_size)
        return source.line_text(line) if source is not None else ""

    def forget_files(self) -> None:
        """Drop the records this result holds for every checked file (the targets, the
        outlines, where to read any line of each file), for a caller that keeps the result
        but needs no more than its diagnostics: ``line_of`` still answers for the lines
        they point at. A session that keeps results while it grows (the pytest plugin)
        would otherwise hold a record per file of the repository."""
        self.workspace.targets = []
        self.outlines = []
        self._sources = None
        unkept = {d.path for d in self.diagnostics if d.line not in self.kept_lines.get(d.path, ())}
        self.lazy_sources = {shown: path for shown, path in self.lazy_sources.items() if shown in unkept}


def outlines_of(workspace: Workspace) -> list[PackOutline]:
    """The outline of each pack the workspace loaded (before neighbours are added)."""
    by_pack: dict[int, list[tuple[str, str]]] = {}
    for workflow in workspace.workflows:
        if workflow.pack is not None:
            by_pack.setdefault(id(workflow.pack), []).append((str(workflow.file.path), workflow.ref))
    return [PackOutline(str(pack.root), pack.ref, tuple((str(a.path), a.ref) for a in pack.actions if a.ref),
                        tuple(by_pack.get(id(pack), ()))) for pack in workspace.packs]


def _confined_source(path: str, display: str, max_file_size: int) -> SourceFile | None:
    """The text of a file whose findings came from a worker or the cache, as the reader
    would have read it; never the text behind a symbolic link out of its pack (the reader
    refused to read it, so no snippet or baseline may show it either)."""
    root = find_pack_root(Path(path))
    if root is not None and link_outside(Path(os.path.normpath(path)), Path(os.path.normpath(root))) is not None:
        return None
    return read_source(path, display, max_file_size)
