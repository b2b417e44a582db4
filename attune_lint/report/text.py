"""Human-readable output: ``path:line:col: severity CODE message``, snippet, suggestion."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from attune_lint.diagnostics import Diagnostic, Severity
from attune_lint.printable import printable
from attune_lint.fix.registry import counts, fix_for
from attune_lint.report.snippet import snippet_lines

if TYPE_CHECKING:
    from attune_lint.run.runner import RunResult

LineLookup = Callable[[str, int], str]

_COLOURS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_BOLD, _RESET = "\033[1m", "\033[0m"


def format_diagnostic(diagnostic: Diagnostic, line_of: LineLookup, colour: bool = False,
                      snippet: bool = True) -> str:
    severity = diagnostic.severity.label
    if colour:
        severity = f"{_COLOURS[diagnostic.severity]}{severity}{_RESET}"
    where = f"{printable(diagnostic.path)}:{diagnostic.line}:{diagnostic.column}:"
    head = f"{where} {severity} {diagnostic.code} {printable(diagnostic.message)}"
    if colour:
        head = f"{_BOLD}{where}{_RESET}" + head[len(where):]
    lines = [head]
    if snippet:
        text = line_of(diagnostic.path, diagnostic.line)
        if text:
            lines.extend(snippet_lines(diagnostic, text))
    if diagnostic.suggestion:
        lines.append(f"  = help: {printable(diagnostic.suggestion)}")
    fix = fix_for(diagnostic)
    if fix is not None:
        how = "attune-lint fix" if fix.safe else "unsafe: only with attune-lint fix --unsafe-fixes"
        lines.append(f"  = fix: {fix.description} ({how})")
    for path, span, note in diagnostic.related:
        lines.append(f"  = note: {printable(path)}:{span.line}:{span.column}: {printable(note)}")
    return "\n".join(lines)


def render(diagnostics: list[Diagnostic], line_of: LineLookup, colour: bool = False,
           snippet: bool = True) -> str:
    return "\n".join(format_diagnostic(d, line_of, colour, snippet) for d in diagnostics)


def summary(files: int, diagnostics: list[Diagnostic], seconds: float,
            baseline: dict[str, int] | None = None) -> str:
    """``N files checked, E errors, W warnings in T s``; with a baseline, also how many
    known findings it hid and how many of its entries no longer occur."""
    errors = sum(1 for d in diagnostics if d.severity == Severity.ERROR)
    warnings = sum(1 for d in diagnostics if d.severity == Severity.WARNING)
    infos = sum(1 for d in diagnostics if d.severity == Severity.INFO)
    parts = [f"{files} file{'s' if files != 1 else ''} checked",
             f"{errors} error{'s' if errors != 1 else ''}",
             f"{warnings} warning{'s' if warnings != 1 else ''}"]
    if infos:
        parts.append(f"{infos} info")
    line = ", ".join(parts) + f" in {seconds:.2f}s"
    if baseline is not None:
        hidden, gone = baseline.get("hidden", 0), baseline.get("disappeared", 0)
        line += (f"; baseline: {hidden} known finding{'s' if hidden != 1 else ''} hidden, "
                 f"{gone} no longer found")
    return line


def render_run(result: RunResult, colour: bool = False, snippet: bool = True, closing: bool = True) -> str:
    body = render(result.diagnostics, result.line_of, colour, snippet)
    if not closing:
        return body
    baseline = result.extra.get("baseline")
    line = summary(result.files_checked, result.diagnostics, result.seconds,
                   baseline if isinstance(baseline, dict) else None)
    fixable = fixable_line(result.diagnostics)
    if fixable:
        line = f"{fixable}\n{line}"
    return f"{body}\n\n{line}" if body else line


def fixable_line(diagnostics: list[Diagnostic]) -> str:
    """How many findings ``--fix`` would fix (and how many more ``--unsafe-fixes``)."""
    safe, unsafe = counts(diagnostics)
    if not safe and not unsafe:
        return ""
    text = f"{safe} finding{'s' if safe != 1 else ''} fixable with --fix (attune-lint fix)"
    if unsafe:
        text += f", {unsafe} more with --unsafe-fixes"
    return text
