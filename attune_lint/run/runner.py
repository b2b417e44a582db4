"""One lint run: paths in, diagnostics and what reporters need out."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from attune_lint.check.checker import check_workspace
from attune_lint.run.gc_pause import gc_paused
from attune_lint.diagnostics import Diagnostic
from attune_lint.workspace.workspace import Workspace, load_paths
from attune_lint.workspace.pack import LoaderConfig
from attune_lint.settings.record import Settings
from attune_lint.document.reader import SourceFile


@dataclass
class RunResult:
    diagnostics: list[Diagnostic]
    workspace: Workspace
    settings: Settings
    seconds: float
    extra: dict[str, object] = field(default_factory=dict)
    _sources: dict[str, SourceFile] | None = field(default=None, repr=False, compare=False)  # reporters' notes (baseline counts ...)

    @property
    def files_checked(self) -> int:
        return len(self.workspace.targets)

    @property
    def failed(self) -> bool:
        return self.settings.fails(self.diagnostics)

    def line_of(self, path: str, line: int) -> str:
        """Source text of ``line`` in the file shown as ``path`` ('' when unknown)."""
        if self._sources is None:  # one lookup table, not a scan of every target per finding
            self._sources = {t.display: t.document.source for t in reversed(self.workspace.targets)
                             if t.document.source is not None}
        source = self._sources.get(path)
        return source.line_text(line) if source is not None else ""


def lint(paths: Sequence[Path | str], settings: Settings | None = None) -> RunResult:
    settings = settings or Settings()
    started = time.perf_counter()
    with gc_paused():
        workspace = load_workspace(paths, settings)
        diagnostics = check_workspace(workspace, settings)
    return RunResult(diagnostics, workspace, settings, time.perf_counter() - started)


def load_workspace(paths: Sequence[Path | str], settings: Settings) -> Workspace:
    """What a run checks: the files below ``paths``, less the excluded ones."""
    workspace = load_paths(list(paths), LoaderConfig(max_file_size=settings.max_file_size))
    if settings.exclude:
        workspace.targets = [t for t in workspace.targets if not settings.excludes(t.display)]
    return workspace

