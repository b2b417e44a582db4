"""The source line of a diagnostic with a caret under its span."""
from __future__ import annotations

from attune_lint.diagnostics import Diagnostic


def snippet_lines(diagnostic: Diagnostic, line_text: str) -> list[str]:
    """``NN | text`` and ``   | ^^^`` (the caret row follows tabs so it lines up)."""
    if not line_text and diagnostic.span.line < 1:
        return []
    span = diagnostic.span
    number = str(span.line)
    gutter = " " * len(number)
    start = max(span.column - 1, 0)
    if span.end_line == span.line and span.end_column > span.column:
        end = span.end_column - 1
    else:
        end = len(line_text.rstrip())
    end = max(min(end, len(line_text)), start + 1)
    pad = "".join("\t" if ch == "\t" else " " for ch in line_text[:start])
    return [f" {number} | {line_text}", f" {gutter} | {pad}{'^' * (end - start)}"]
