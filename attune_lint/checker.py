"""Run every check over a loaded workspace and collect the diagnostics."""
from __future__ import annotations

import importlib
from functools import lru_cache
from types import ModuleType
from typing import Callable, Iterable

from .context import CheckContext
from .diagnostics import Diagnostic
from .loader import Workspace
from .settings import Settings

CheckFunction = Callable[[CheckContext], Iterable[Diagnostic]]

# Rule modules (listed in the catalog) with a ``check(ctx)`` function run on every file
# whose tree loaded; an optional ``check_workspace(workspace, settings)`` runs once per
# run (cross-file rules).


@lru_cache(maxsize=1)
def _modules() -> tuple[ModuleType, ...]:
    modules = []
    from .rules.catalog import RULE_MODULES

    for name in RULE_MODULES:
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return tuple(modules)


def check_workspace(workspace: Workspace, settings: Settings | None = None) -> list[Diagnostic]:
    """All diagnostics of the run, configured and sorted; also stored on each workflow."""
    settings = settings or Settings()
    found: list[Diagnostic] = list(workspace.problems)
    for target in workspace.targets:
        diagnostics = list(target.document.findings)
        if target.document.mapping is not None:
            context = CheckContext(target, workspace, settings)
            for module in _modules():
                check = getattr(module, "check", None)
                if check is not None:
                    diagnostics.extend(check(context))
        kept = _configured(diagnostics, settings)
        if target.workflow is not None:
            target.workflow.findings = kept
        found.extend(kept)
    for module in _modules():
        check_all = getattr(module, "check_workspace", None)
        if check_all is not None:
            found.extend(_configured(check_all(workspace, settings), settings))
    return sorted(set(found), key=Diagnostic.sort_key)


def _configured(diagnostics: Iterable[Diagnostic], settings: Settings) -> list[Diagnostic]:
    kept = []
    for diagnostic in diagnostics:
        configured = settings.apply(diagnostic)
        if configured is not None:
            kept.append(configured)
    return kept
