"""Applying fixes: lint, fix what the findings allow, lint again, until nothing changes.

Each pass lints the paths as ``check`` does (the files already fixed are read from memory),
computes the edits of every fixable finding (``fixers``), applies the edits that do not
overlap and leaves the others to the next pass. Every rewritten text must load with
ruamel.yaml's round-trip loader and with the linter's own reader without a new loading
finding, or the file is left as it was. Files are written at the end, atomically; with
``write=False`` (``--diff``) nothing is written.

ruamel.yaml is imported here only, never by ``check`` alone.
"""
from __future__ import annotations

import bisect
import contextlib
import difflib
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from attune_lint.diagnostics import Diagnostic, Severity
from attune_lint.document.reader import YamlDocument, load_yaml_text, read_yaml_file
from attune_lint.fix.edits import Edit, LineIndex, apply_edits
from attune_lint.fix.fixers import FixContext
from attune_lint.fix.registry import FixSpec, fix_for
from attune_lint.limits import DEFAULT_MAX_FILE_SIZE
from attune_lint.settings.record import Settings

MAX_PASSES = 10


@dataclass
class FileFix:
    """One file the run rewrote (or would rewrite)."""

    path: Path
    display: str
    original: str
    fixed: str
    has_bom: bool = False
    applied: list[tuple[Diagnostic, FixSpec]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def diff(self) -> str:
        return "".join(difflib.unified_diff(
            self.original.splitlines(keepends=True), self.fixed.splitlines(keepends=True),
            fromfile=self.display, tofile=self.display))


@dataclass
class FixOutcome:
    files: dict[Path, FileFix]
    result: Any  # the RunResult of the last pass: what remains
    not_fixed: list[tuple[str, str]]  # (display path, why) for files with fixable findings left alone

    @property
    def changed(self) -> list[FileFix]:
        return [f for f in self.files.values() if f.changed]

    @property
    def fixed_count(self) -> int:
        return sum(len(f.applied) for f in self.changed)


def _key(path: Path | str) -> str:
    return os.path.normpath(os.path.abspath(path))


@contextlib.contextmanager
def _reading(overlay: dict[str, str]) -> Iterator[None]:
    """Make the workspace read fixed files from ``overlay`` instead of the disk."""
    from attune_lint.workspace import workspace as module

    original = module.read_yaml_file

    def read(path: Path | str, display_path: str | None = None,
             max_file_size: int = DEFAULT_MAX_FILE_SIZE) -> YamlDocument:
        text = overlay.get(_key(path))
        if text is None:
            return original(path, display_path, max_file_size)
        return load_yaml_text(text, display_path if display_path is not None else str(path))

    module.read_yaml_file = read  # type: ignore[assignment]
    try:
        yield
    finally:
        module.read_yaml_file = original  # type: ignore[assignment]


def _lint(paths: Sequence[Path | str], settings: Settings, overlay: dict[str, str]) -> Any:
    from attune_lint.run.serial import lint_serial

    with _reading(overlay):
        return lint_serial(paths, settings)


def _loading_error(document: YamlDocument) -> str | None:
    if document.source is None or document.root is None:
        first = document.findings[0] if document.findings else None
        return f"the file cannot be read ({first.code}: {first.message})" if first else "the file cannot be read"
    for finding in document.findings:
        if finding.severity >= Severity.ERROR:
            return f"the file has a loading error ({finding.code}: {finding.message})"
    return None


def plan_file(text: str, document: YamlDocument, kind: str, diagnostics: list[Diagnostic],
              unsafe: bool) -> tuple[list[Edit], list[tuple[Diagnostic, FixSpec]], list[tuple[tuple[Edit, ...], tuple[Any, ...]]]]:
    """The non-overlapping edits of one pass over one file, the findings they fix, and each
    fix's edits with the key of the finding that asked for it."""
    if document.mapping is None:
        return [], [], []
    ctx = FixContext(text, document.mapping, kind)
    chosen: list[Edit] = []
    chosen_sets: list[tuple[Edit, ...]] = []
    applied: list[tuple[Diagnostic, FixSpec]] = []
    groups: list[tuple[tuple[Edit, ...], tuple[Any, ...]]] = []
    for diagnostic in sorted(diagnostics, key=lambda d: d.sort_key()):
        spec = fix_for(diagnostic)
        if spec is None or (not spec.safe and not unsafe):
            continue
        edits = _edits(spec, ctx, diagnostic)
        if not edits:
            continue
        key = tuple(sorted(edits))
        if key in chosen_sets:  # the same fix as another finding's (one task's legacy fields)
            applied.append((diagnostic, spec))
            groups.append((key, _finding_key(diagnostic)))
            continue
        if any(_overlaps_any(edit, chosen) for edit in key):
            continue  # the next pass
        for edit in key:
            bisect.insort(chosen, edit)
        chosen_sets.append(key)
        applied.append((diagnostic, spec))
        groups.append((key, _finding_key(diagnostic)))
    return chosen, applied, groups


def _overlaps_any(edit: Edit, chosen: list[Edit]) -> bool:
    """Whether ``edit`` overlaps one of ``chosen`` (sorted, themselves disjoint)."""
    at = bisect.bisect_left(chosen, Edit(edit.start, edit.start, ""))
    if at > 0 and _overlap(edit, chosen[at - 1]):
        return True
    for other in chosen[at:at + 1] + chosen[at + 1:at + 64]:
        if other.start > edit.end:
            return False
        if _overlap(edit, other):
            return True
    return any(_overlap(edit, other) for other in chosen[at + 64:] if other.start <= edit.end)


def _overlap(a: Edit, b: Edit) -> bool:
    if a.start == a.end and b.start == b.end:
        return a.start == b.start
    return a.start < b.end and b.start < a.end or (a.start == a.end and b.start < a.start < b.end) \
        or (b.start == b.end and a.start < b.start < a.end)


def _edits(spec: FixSpec, ctx: FixContext, diagnostic: Diagnostic) -> list[Edit] | None:
    try:
        return spec.function()(ctx, diagnostic)
    except (ValueError, IndexError, KeyError, TypeError, AttributeError, RecursionError):
        return None  # a shape the fixer did not foresee: the finding stays


def round_trips(text: str) -> bool:
    """ruamel.yaml's round-trip loader reads ``text`` (no arbitrary tag is ever constructed:
    files with custom tags never get here, the reader refuses them as AL110)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    yaml = YAML(typ="rt")
    try:
        yaml.load(text)
    except (YAMLError, ValueError):
        return False
    return True


def _acceptable(new_text: str, display: str) -> bool:
    document = load_yaml_text(new_text, display)
    return _loading_error(document) is None and document.mapping is not None


@dataclass
class _Step:
    """What one pass did to one file, to take it back if it made a new error."""

    previous: str
    errors: Counter  # (code, message) of the error findings before the step
    applied: list[tuple[Diagnostic, FixSpec]]
    produced: list[tuple[int, int, tuple[Any, ...]]]  # lines of the new text each fix wrote, and its key


def _error_keys(diagnostics: list[Diagnostic]) -> Counter:
    """Error findings counted by rule: a fix may turn one error into another of its rule (the
    next filter of a chain), never add an error."""
    return Counter(d.code for d in diagnostics if d.severity >= Severity.ERROR)


def _finding_key(diagnostic: Diagnostic) -> tuple[Any, ...]:
    return (diagnostic.path, diagnostic.code, diagnostic.span, diagnostic.message)


def _produced_lines(text: str, edits: list[Edit], groups: list[tuple[tuple[Edit, ...], tuple[Any, ...]]]) -> list[tuple[int, int, tuple[Any, ...]]]:
    """For each fix, the lines of the new text its edits wrote."""
    shift_at: dict[Edit, int] = {}
    delta = 0
    for edit in sorted(edits):
        shift_at[edit] = edit.start + delta
        delta += len(edit.new) - (edit.end - edit.start)
    new_text = apply_edits(text, edits)
    index = LineIndex(new_text)
    produced = []
    for group, key in groups:
        for edit in group:
            start = shift_at[edit]
            first = index.position(start)[0]
            last = index.position(max(start, start + len(edit.new) - 1))[0]
            produced.append((first, last + 1, key))
    return produced


def run_fixes(paths: Sequence[Path | str], settings: Settings, *, unsafe: bool = False) -> FixOutcome:
    """Fix every file below ``paths`` in memory; nothing is written (see ``write``).

    A pass whose fixes give a file a new error finding is taken back for that file, and the
    fixes blamed for it (those that wrote the lines of the new errors, else all of the pass)
    are not tried again.
    """
    overlay: dict[str, str] = {}
    files: dict[Path, FileFix] = {}
    not_fixed: dict[str, str] = {}
    rejected: set[tuple[Any, ...]] = set()
    steps: dict[Path, _Step] = {}
    result = None
    for _ in range(MAX_PASSES * 2):
        result = _lint(paths, settings, overlay)
        by_path: dict[str, list[Diagnostic]] = {}
        for diagnostic in result.diagnostics:
            by_path.setdefault(diagnostic.path, []).append(diagnostic)
        reverted = False
        for target in result.workspace.targets:
            step = steps.pop(target.path, None)
            if step is None:
                continue
            now = by_path.get(target.display, [])
            new_errors = _error_keys(now) - step.errors
            if not new_errors:
                continue
            blamed = {key for first, last, key in step.produced
                      for d in now if d.code in new_errors and first <= d.line <= last}
            rejected.update(blamed or {key for _, _, key in step.produced})
            entry = files[target.path]
            entry.fixed = step.previous
            del entry.applied[len(entry.applied) - len(step.applied):]
            overlay[_key(target.path)] = ("\ufeff" if entry.has_bom else "") + step.previous
            reverted = True
        steps.clear()
        if reverted:
            continue
        changed = False
        for target in result.workspace.targets:
            diagnostics = [d for d in by_path.get(target.display, [])
                           if _finding_key(d) not in rejected and (spec := fix_for(d)) is not None
                           and (spec.safe or unsafe)]
            if not diagnostics:
                continue
            document = target.document
            problem = _loading_error(document)
            if problem is not None:
                not_fixed[target.display] = problem
                continue
            assert document.source is not None
            text = document.source.text
            edits, applied, groups = plan_file(text, document, target.kind, diagnostics, unsafe)
            if not edits:
                continue
            new_text = apply_edits(text, edits)
            if new_text == text:
                continue
            if not _acceptable(new_text, target.display):
                not_fixed[target.display] = "the fixed text would not load; left unchanged"
                rejected.update(_finding_key(d) for d, _ in applied)
                continue
            entry = files.get(target.path)
            if entry is None:
                entry = files[target.path] = FileFix(target.path, target.display, text, text,
                                                     document.source.has_bom)
            steps[target.path] = _Step(text, _error_keys(by_path.get(target.display, [])), applied,
                                       _produced_lines(text, edits, groups))
            entry.fixed = new_text
            entry.applied.extend(applied)
            overlay[_key(target.path)] = ("\ufeff" if entry.has_bom else "") + new_text
            changed = True
        if not changed:
            break
    taken_back = False
    for entry in files.values():
        not_fixed.pop(entry.display, None)
        if entry.changed and not round_trips(entry.fixed):  # once per file, at the end
            entry.fixed, entry.applied = entry.original, []
            not_fixed[entry.display] = "ruamel.yaml cannot read the fixed text; left unchanged"
            overlay[_key(entry.path)] = ("\ufeff" if entry.has_bom else "") + entry.original
            taken_back = True
    if taken_back:
        result = _lint(paths, settings, overlay)
    return FixOutcome(files, result, sorted(not_fixed.items()))


def write(outcome: FixOutcome) -> list[tuple[str, str]]:
    """Write the changed files atomically; returns (display path, error) for failed writes."""
    from attune_lint.files import write_atomic

    failures: list[tuple[str, str]] = []
    for entry in outcome.changed:
        try:
            with open(entry.path, "rb") as handle:
                on_disk = handle.read()
            expected = ("\ufeff" if entry.has_bom else "") + entry.original
            if on_disk.decode("utf-8") != expected:
                failures.append((entry.display, "the file changed while it was being fixed"))
                continue
            write_atomic(entry.path, ("\ufeff" if entry.has_bom else "") + entry.fixed)
        except (OSError, UnicodeDecodeError) as exc:
            failures.append((entry.display, str(getattr(exc, "strerror", None) or exc)))
    return failures


# -- one finding's fix, for the reporters ---------------------------------------------------------


@dataclass(frozen=True)
class FindingFix:
    spec: FixSpec
    edits: tuple[Edit, ...]
    index: LineIndex

    def to_json(self) -> dict[str, Any]:
        from attune_lint.fix.edits import as_json

        return {"applicability": self.spec.applicability, "description": self.spec.description,
                "edits": [as_json(self.index, e) for e in self.edits]}


def finding_fixes(result: Any) -> dict[int, FindingFix]:
    """The fix of each fixable finding of ``result``, keyed by its index in
    ``result.diagnostics``; computed alone against the file as it is (no YAML library)."""
    documents: dict[str, tuple[YamlDocument, str]] = {}
    for target in result.workspace.targets:
        documents.setdefault(target.display, (target.document, target.kind))
    found: dict[int, FindingFix] = {}
    contexts: dict[str, FixContext | None] = {}
    for number, diagnostic in enumerate(result.diagnostics):
        spec = fix_for(diagnostic)
        if spec is None:
            continue
        if diagnostic.path not in contexts:
            document, kind = documents.get(diagnostic.path, (None, "unknown"))
            if document is None or document.source is None or document.root is None:
                # a cached or parallel run may not keep the text or the tree: read the file again
                document = read_yaml_file(diagnostic.path, diagnostic.path, result.settings.max_file_size)
            ok = _loading_error(document) is None and document.mapping is not None and document.source is not None
            contexts[diagnostic.path] = FixContext(document.source.text, document.mapping, kind) if ok else None
        ctx = contexts[diagnostic.path]
        if ctx is None:
            continue
        edits = _edits(spec, ctx, diagnostic)
        if edits:
            found[number] = FindingFix(spec, tuple(sorted(edits)), ctx.index)
    return found
