"""Run every check over a loaded workspace and collect the diagnostics."""
from __future__ import annotations

import importlib
from collections import defaultdict
from functools import lru_cache
from types import ModuleType
from typing import Callable, Iterable

from .context import CheckContext
from .diagnostics import Diagnostic
from .loader import Target, Workspace
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
    """All diagnostics of the run, suppressed, configured and sorted; also stored on each workflow."""
    settings = settings or Settings()
    by_path: dict[str, list[Diagnostic]] = defaultdict(list)
    for target in workspace.targets:
        diagnostics = by_path[target.display]
        diagnostics.extend(target.document.findings)
        if target.document.mapping is not None:
            context = CheckContext(target, workspace, settings)
            for module in _modules():
                check = getattr(module, "check", None)
                if check is not None:
                    diagnostics.extend(check(context))
    for module in _modules():
        check_all = getattr(module, "check_workspace", None)
        if check_all is not None:
            for diagnostic in check_all(workspace, settings):
                by_path[diagnostic.path].append(diagnostic)

    targets = {target.display: target for target in workspace.targets}
    found: list[Diagnostic] = _configured(workspace.problems, settings)
    for path, diagnostics in by_path.items():
        target = targets.get(path)
        if target is not None:
            diagnostics = apply_suppressions(target, diagnostics, settings)
        kept = _configured(diagnostics, settings)
        if target is not None and target.workflow is not None:
            target.workflow.findings = sorted(set(kept), key=Diagnostic.sort_key)
        found.extend(kept)
    return sorted(set(found), key=Diagnostic.sort_key)


def apply_suppressions(target: Target, diagnostics: list[Diagnostic], settings: Settings) -> list[Diagnostic]:
    """Drop what the file's ``# attune-lint:`` comments suppress; add the meta findings
    (unknown code, unused or malformed suppression), which suppressions can hide too."""
    source = target.document.source
    if source is None:
        return diagnostics
    from .suppressions import parse_suppressions

    parsed = parse_suppressions(source.text, target.display)
    if not parsed.suppressions and not parsed.malformed:
        return diagnostics
    from .rules import meta
    from .rules.catalog import find_rule

    kept = parsed.filter(diagnostics)
    notes: list[Diagnostic] = []
    for span, text in parsed.malformed:
        notes.append(meta.MALFORMED_SUPPRESSION.at(
            target.display, span, f"not a suppression the linter understands: {text!r}",
            "write '# attune-lint: disable=CODE', 'disable-next-line=CODE' or 'disable-file=CODE'"))
    for suppression in parsed.suppressions:
        if find_rule(suppression.code) is None:
            notes.append(meta.UNKNOWN_CODE.at(
                target.display, suppression.span, f"suppression names unknown rule {suppression.code!r}",
                "see 'attune-lint rules' for the codes"))
    # Whether a suppression was used is known only after every other finding was matched;
    # the unused ones are judged last, and a disable-file of AL952 still silences them.
    notes = parsed.filter(notes)
    unused = [
        meta.UNUSED_SUPPRESSION.at(
            target.display, s.span,
            f"'{s.kind}={s.code}' suppresses nothing" + (" on this line" if s.kind == "disable" else
                                                          " on the next line" if s.kind == "disable-next-line"
                                                          else " in this file"),
            "a 'disable' comment on a line of its own applies to that line: write 'disable-next-line'"
            if s.kind == "disable" and s.alone else "remove it")
        for s in parsed.suppressions
        if not s.used and find_rule(s.code) is not None
        and s.code.lower() not in (meta.UNUSED_SUPPRESSION.code.lower(), meta.UNUSED_SUPPRESSION.name)
    ]
    return kept + notes + parsed.filter(unused)


def _configured(diagnostics: Iterable[Diagnostic], settings: Settings) -> list[Diagnostic]:
    kept = []
    for diagnostic in diagnostics:
        configured = settings.apply(diagnostic)
        if configured is not None:
            kept.append(configured)
    return kept
