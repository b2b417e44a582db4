"""Text edits: a fix is a list of replacements of character ranges of the original text.

Fixes are spliced into the file's own text, so every byte outside the fixed lines stays as
it was: comments, quoting, key order, flow or block style, indentation.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from attune_lint.diagnostics import Span


@dataclass(frozen=True, order=True)
class Edit:
    """Replace ``text[start:end]`` (character offsets) by ``new``."""

    start: int
    end: int
    new: str


class LineIndex:
    """Offsets ↔ 1-based lines and columns of one text (lines split at "\\n")."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        for index, char in enumerate(text):
            if char == "\n":
                self.starts.append(index + 1)

    def offset(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column - 1

    def position(self, offset: int) -> tuple[int, int]:
        import bisect

        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def line_start(self, offset: int) -> int:
        return self.starts[self.position(offset)[0] - 1]

    def line_end(self, offset: int) -> int:
        """Offset just after the "\\n" ending the line of ``offset`` (or the end of the text)."""
        newline = self.text.find("\n", offset)
        return len(self.text) if newline < 0 else newline + 1

    def span(self, edit: Edit) -> Span:
        line, column = self.position(edit.start)
        end_line, end_column = self.position(edit.end)
        return Span(line, column, end_line, end_column)


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    parts: list[str] = []
    position = 0
    for edit in sorted(edits):
        parts.append(text[position:edit.start])
        parts.append(edit.new)
        position = edit.end
    parts.append(text[position:])
    return "".join(parts)


def as_json(index: LineIndex, edit: Edit) -> dict[str, object]:
    span = index.span(edit)
    return {"line": span.line, "column": span.column, "end_line": span.end_line,
            "end_column": span.end_column, "text": edit.new}
