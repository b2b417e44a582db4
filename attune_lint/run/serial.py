"""A run in this process: load the workspace, check it (the other ways of running end here)."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Sequence

from attune_lint.check.checker import check_workspace
from attune_lint.run.gc_pause import gc_paused
from attune_lint.run.result import RunResult, outlines_of
from attune_lint.settings.record import Settings
from attune_lint.workspace.pack import LoaderConfig
from attune_lint.workspace.workspace import DocumentStore, Workspace, load_paths


def lint_serial(paths: Sequence[Path | str], settings: Settings) -> RunResult:
    started = time.perf_counter()
    with gc_paused():
        workspace = load_workspace(paths, settings)
        diagnostics = check_workspace(workspace, settings)
    return RunResult(diagnostics, workspace, settings, time.perf_counter() - started,
                     outlines=outlines_of(workspace))


def load_workspace(paths: Sequence[Path | str], settings: Settings,
                   store: DocumentStore | None = None, needed_context: bool = False) -> Workspace:
    """What a run checks: the files below ``paths``, less the excluded ones (``store``: files
    already read, see ``DocumentStore``); with ``needed_context``, of a pack only some of
    whose files are checked, only the action files they need (``LoaderConfig.context_actions``)."""
    config = LoaderConfig(max_file_size=settings.max_file_size, context_actions="needed" if needed_context else "all")
    workspace = load_paths(list(paths), config, store)
    if settings.exclude:
        workspace.targets = [t for t in workspace.targets if not settings.excludes(t.display)]
    return workspace

