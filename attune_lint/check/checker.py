"""Run every check over a loaded workspace and collect the diagnostics."""
from __future__ import annotations

import importlib
from collections import defaultdict
from functools import lru_cache
from types import ModuleType
from typing import Callable, Iterable

from attune_lint.check.context import CheckContext
from attune_lint.diagnostics import Diagnostic
from attune_lint.workspace.workspace import Workspace
from attune_lint.settings.record import Settings
from attune_lint.document.reader import SourceFile

CheckFunction = Callable[[CheckContext], Iterable[Diagnostic]]

# Rule modules (listed in the catalog) with a ``check(ctx)`` function run on every file
# whose tree loaded; an optional ``check_workspace(workspace, settings)`` runs once per
# run (cross-file rules).


@lru_cache(maxsize=1)
def _modules() -> tuple[ModuleType, ...]:
    from attune_lint.rules.catalog import RULE_MODULES

    return tuple(importlib.import_module(name) for name in RULE_MODULES)


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
                    diagnostics.extend(_guarded(module, target.display, lambda: list(check(context))))
    for module in _modules():
        check_all = getattr(module, "check_workspace", None)
        if check_all is not None:
            where = workspace.targets[0].display if workspace.targets else "."
            for diagnostic in _guarded(module, where, lambda: list(check_all(workspace, settings))):
                by_path[diagnostic.path].append(diagnostic)

    targets = {target.display: target for target in workspace.targets}
    sources = _sources(workspace)
    found: list[Diagnostic] = _configured(workspace.problems, settings)
    for path, diagnostics in by_path.items():
        target = targets.get(path)
        source = sources.get(path)
        if source is not None:
            # A context-only file is not checked: its suppressions apply, but their own
            # findings (unused, unknown code) are left to the run that checks it.
            diagnostics = apply_suppressions(path, source, diagnostics, report=target is not None)
        kept = _configured(diagnostics, settings)
        if target is not None and target.workflow is not None:
            target.workflow.findings = sorted(set(kept), key=Diagnostic.sort_key)
        found.extend(kept)
    return sorted(set(found), key=Diagnostic.sort_key)


def _guarded(module: ModuleType, path: str, run: Callable[[], list[Diagnostic]]) -> list[Diagnostic]:
    """The module's findings; an unexpected exception becomes one finding on ``path`` (a bug
    in one check must not cost the findings of every other file and check of the run)."""
    try:
        return run()
    except Exception as exc:  # noqa: BLE001 - any bug in a check, by design
        from attune_lint.diagnostics import Span
        from attune_lint.document.rules import INTERNAL_ERROR

        return [INTERNAL_ERROR.at(
            path, Span(1, 1, 1, 1),
            f"internal error in {module.__name__.rsplit('.', 1)[-1]} checks: {type(exc).__name__}: {exc}"[:500],
            "the other checks still ran; please report this with the file (attune-lint's issue tracker)")]


def _sources(workspace: Workspace) -> dict[str, SourceFile]:
    """The text of every file the run read, by its shown path: a cross-file finding may
    point at a file that is context only (the pack.yaml of a single file checked alone),
    and its suppressions count there too."""
    documents = [target.document for target in workspace.targets]
    for pack in workspace.packs:
        if not pack.holds_trees:  # another pack's interface: refs only, no text
            continue
        if pack.manifest is not None:
            documents.append(pack.manifest)
        documents.extend(action.document for action in pack.actions)
    documents.extend(workflow.document for workflow in workspace.workflows)
    return {document.path: document.source for document in documents if document.source is not None}


def apply_suppressions(path: str, source: SourceFile, diagnostics: list[Diagnostic],
                       report: bool = True) -> list[Diagnostic]:
    """Drop what the file's ``# attune-lint:`` comments suppress; with ``report``, add the
    meta findings (unknown code, unused or malformed suppression), which suppressions can
    hide too."""
    from attune_lint.check.suppressions import parse_suppressions

    parsed = parse_suppressions(source.text, path)
    if not parsed.suppressions and not parsed.malformed:
        return diagnostics
    if not report:
        return parsed.filter(diagnostics)
    from attune_lint.rules import meta
    from attune_lint.rules.catalog import find_rule

    kept = parsed.filter(diagnostics)
    notes: list[Diagnostic] = []
    for span, text in parsed.malformed:
        notes.append(meta.MALFORMED_SUPPRESSION.at(
            path, span, f"not a suppression the linter understands: {text!r}",
            "write '# attune-lint: disable=CODE', 'disable-next-line=CODE' or 'disable-file=CODE'"))
    for suppression in parsed.suppressions:
        if find_rule(suppression.code) is None:
            notes.append(meta.UNKNOWN_CODE.at(
                path, suppression.span, f"suppression names unknown rule {suppression.code!r}",
                "see 'attune-lint rules' for the codes"))
    # Whether a suppression was used is known only after every other finding was matched;
    # the unused ones are judged last, and a disable-file of AL952 still silences them.
    notes = parsed.filter(notes)
    unused = [
        meta.UNUSED_SUPPRESSION.at(
            path, s.span,
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
