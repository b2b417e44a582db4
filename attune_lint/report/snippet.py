"""The source line of a diagnostic with a caret under its span.

A long line (a one-line JSON workflow) is cut to a window around the span, so thousands of
findings on one line never print the line thousands of times; control characters are
escaped, and the caret row follows the escapes and tabs so it still lines up."""
from __future__ import annotations

from attune_lint.diagnostics import Diagnostic
from attune_lint.printable import escaped_width, printable

WINDOW = 120  # characters of a long line shown around the span
LEAD = 30  # of which before the span's start


def snippet_lines(diagnostic: Diagnostic, line_text: str) -> list[str]:
    """``NN | text`` and ``   | ^^^``."""
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
    before = after = ""
    if len(line_text) > WINDOW:
        low = max(0, min(start - LEAD, len(line_text) - WINDOW))
        high = low + WINDOW
        before, after = ("…" if low > 0 else ""), ("…" if high < len(line_text) else "")
        line_text, start, end = line_text[low:high], start - low, min(end - low, WINDOW)
    pad = " " * len(before) + "".join("\t" if ch == "\t" else " " * escaped_width(ch) for ch in line_text[:start])
    marks = sum(1 if ch == "\t" else escaped_width(ch) for ch in line_text[start:end])
    return [f" {number} | {before}{printable(line_text)}{after}", f" {gutter} | {pad}{'^' * max(marks, 1)}"]
