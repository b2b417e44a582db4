"""Exact file positions of characters inside a YAML scalar's value.

A template error at offset 17 of a scalar's *value* must be reported at the line and
column where that character is written, whatever the scalar style: quoted strings have
escapes (``\\"``, ``''``, ``\\u00e9``), plain and quoted scalars fold line breaks into
spaces, block scalars drop their indentation. This module re-scans the node's source text
the way the YAML scanner does, recording for every produced character the source range it
came from, and checks the result against the value the parser produced; when they differ
(an input this scanner does not model), positions fall back to the node's start — never
an exception.

Columns count characters (not bytes), as the rest of the linter does. Line breaks are
those of libyaml/PyYAML marks: ``\\r\\n``, ``\\r``, ``\\n``, NEL, LS and PS.
"""
from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass

from attune_lint.diagnostics import Span
from attune_lint.document.tree import ScalarNode

_BREAKS = "\r\n\x85\u2028\u2029"
_BLANKS = " \t"
# YAML 1.1/1.2 double-quoted escapes (the set PyYAML and libyaml accept).
_ESCAPES = {
    "0": "\0", "a": "\x07", "b": "\x08", "t": "\t", "\t": "\t", "n": "\n", "v": "\x0b", "f": "\x0c",
    "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0",
    "L": "\u2028", "P": "\u2029",
}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


@functools.lru_cache(maxsize=16)
def _line_starts(text: str) -> tuple[int, ...]:
    starts = [0]
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _BREAKS:
            i += 2 if text.startswith("\r\n", i) else 1
            starts.append(i)
        else:
            i += 1
    return tuple(starts)


def line_column(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of the 0-based character ``index`` in ``text``."""
    index = max(0, min(index, len(text)))
    starts = _line_starts(text)
    line = bisect.bisect_right(starts, index) - 1
    return line + 1, index - starts[line] + 1


class _Out:
    """The produced value, one character at a time, with its source range."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def emit(self, chars: str, start: int, end: int) -> None:
        for ch in chars:
            self.chars.append(ch)
            self.starts.append(start)
            self.ends.append(end)

    @property
    def value(self) -> str:
        return "".join(self.chars)


def _break_end(text: str, i: int) -> int:
    return i + 2 if text.startswith("\r\n", i) else i + 1


def _break_char(text: str, i: int) -> str:
    """What a line break at ``i`` reads as: LS and PS stay, the others are '\\n'."""
    return text[i] if text[i] in "\u2028\u2029" else "\n"


def _skip_properties(text: str, i: int, limit: int) -> int:
    """Skip a tag and/or anchor written before the scalar (the node starts at them)."""
    n = len(text)
    while i < limit and text[i] in "!&":
        while i < n and text[i] not in _BLANKS and text[i] not in _BREAKS:
            i += 1
        while i < n:
            if text[i] in _BLANKS or text[i] in _BREAKS:
                i += 1
            elif text[i] == "#":
                while i < n and text[i] not in _BREAKS:
                    i += 1
            else:
                break
    return i


def _fold(text: str, i: int, end: int, out: _Out) -> int:
    """At a line break ``i``: fold it (and following blank lines) as flow/plain scalars do.

    Returns the offset of the first non-blank character after the breaks.
    """
    first = i
    i = _break_end(text, i)
    more: list[int] = []
    while True:
        j = i
        while j < end and text[j] in _BLANKS:
            j += 1
        if j < end and text[j] in _BREAKS:
            more.append(j)
            i = _break_end(text, j)
        else:
            i = j
            break
    first_char = _break_char(text, first)
    if first_char != "\n":
        out.emit(first_char, first, _break_end(text, first))
    elif not more:
        out.emit(" ", first, _break_end(text, first))
    for b in more:
        out.emit(_break_char(text, b), b, _break_end(text, b))
    return i


def _scan_inline(text: str, i: int, end: int, out: _Out, quote: str | None) -> None:
    """Plain (quote None) or quoted content from ``i`` to ``end`` (exclusive)."""
    while i < end:
        ch = text[i]
        if quote == "'" and ch == "'" and i + 1 < end and text[i + 1] == "'":
            out.emit("'", i, i + 2)
            i += 2
        elif quote == '"' and ch == "\\" and i + 1 < end:
            i = _escape(text, i, end, out)
        elif ch in _BLANKS or ch in _BREAKS:
            j = i
            while j < end and text[j] in _BLANKS:
                j += 1
            if j < end and text[j] in _BREAKS:
                i = _fold(text, j, end, out)  # blanks before a break are dropped
            else:
                for k in range(i, j):
                    out.emit(text[k], k, k + 1)
                i = j
        else:
            out.emit(ch, i, i + 1)
            i += 1


def _escape(text: str, i: int, end: int, out: _Out) -> int:
    code = text[i + 1]
    if code in _ESCAPES:
        out.emit(_ESCAPES[code], i, i + 2)
        return i + 2
    if code in _HEX_ESCAPES:
        width = _HEX_ESCAPES[code]
        digits = text[i + 2:i + 2 + width]
        try:
            out.emit(chr(int(digits, 16)), i, i + 2 + width)
        except ValueError:  # not valid YAML; the value check below will reject the map
            out.emit(code, i, i + 2)
            return i + 2
        return i + 2 + width
    if code in _BREAKS:
        # Escaped line break: joins the lines; leading blanks are dropped, extra breaks kept.
        i = _break_end(text, i + 1)
        while True:
            j = i
            while j < end and text[j] in _BLANKS:
                j += 1
            if j < end and text[j] in _BREAKS:
                out.emit(_break_char(text, j), j, _break_end(text, j))
                i = _break_end(text, j)
            else:
                return j
    out.emit(code, i, i + 2)
    return i + 2


def _scan_block(text: str, start: int, min_indent: int) -> _Out:
    """A literal or folded block scalar, as PyYAML's scan_block_scalar reads it.

    ``min_indent`` is one more than the indentation of the enclosing block, which only the
    parser knows; the caller tries the plausible values.
    """
    out = _Out()
    n = len(text)
    folded = text[start] == ">"
    i = start + 1
    chomping: bool | None = None
    increment: int | None = None
    for _ in range(2):
        if i < n and text[i] in "+-" and chomping is None:
            chomping = text[i] == "+"
            i += 1
        elif i < n and text[i] in "123456789" and increment is None:
            increment = int(text[i])
            i += 1
    while i < n and text[i] in _BLANKS:
        i += 1
    if i < n and text[i] == "#":
        while i < n and text[i] not in _BREAKS:
            i += 1
    if i < n:
        i = _break_end(text, i)
    line_start = i

    def scan_breaks(i: int, line_start: int, indent: int) -> tuple[list[int], int, int]:
        breaks: list[int] = []
        while i - line_start < indent and i < n and text[i] == " ":
            i += 1
        while i < n and text[i] in _BREAKS:
            breaks.append(i)
            i = line_start = _break_end(text, i)
            while i - line_start < indent and i < n and text[i] == " ":
                i += 1
        return breaks, i, line_start

    if increment is None:
        breaks: list[int] = []
        max_indent = 0
        while i < n and (text[i] == " " or text[i] in _BREAKS):
            if text[i] == " ":
                i += 1
                max_indent = max(max_indent, i - line_start)
            else:
                breaks.append(i)
                i = line_start = _break_end(text, i)
        indent = max(min_indent, max_indent)
    else:
        indent = min_indent + increment - 1
        breaks, i, line_start = scan_breaks(i, line_start, indent)

    def emit_breaks(breaks: list[int]) -> None:
        for b in breaks:
            out.emit(_break_char(text, b), b, _break_end(text, b))

    line_break: int | None = None
    while i - line_start == indent and i < n:
        emit_breaks(breaks)
        leading_non_space = text[i] not in _BLANKS
        j = i
        while j < n and text[j] not in _BREAKS:
            out.emit(text[j], j, j + 1)
            j += 1
        i = j
        line_break = i if i < n else None
        if i < n:
            i = line_start = _break_end(text, i)
        breaks, i, line_start = scan_breaks(i, line_start, indent)
        if i - line_start == indent and i < n and line_break is not None:
            if (folded and _break_char(text, line_break) == "\n" and leading_non_space
                    and text[i] not in _BLANKS):
                if not breaks:
                    out.emit(" ", line_break, _break_end(text, line_break))
            else:
                out.emit(_break_char(text, line_break), line_break, _break_end(text, line_break))
        else:
            break
    if chomping is not False and line_break is not None:
        out.emit(_break_char(text, line_break), line_break, _break_end(text, line_break))
    if chomping is True:
        emit_breaks(breaks)
    return out


def _produce(text: str, node: ScalarNode) -> _Out | None:
    begin = _skip_properties(text, node.start.index, node.end.index)
    end = node.end.index
    style = node.style
    if style in ("'", '"'):
        if begin >= len(text) or text[begin] != style:
            return None
        out = _Out()
        _scan_inline(text, begin + 1, max(begin + 1, end - 1), out, style)
        return out if out.value == node.text else None
    if style in ("|", ">"):
        if begin >= len(text) or text[begin] != style:
            return None
        column = begin - _line_starts(text)[line_column(text, begin)[0] - 1]
        # The enclosing indentation is at most the indicator's column: try each.
        for min_indent in range(1, column + 2):
            out = _scan_block(text, begin, min_indent)
            if out.value == node.text:
                return out
        return None
    out = _Out()
    _scan_inline(text, begin, end, out, None)
    return out if out.value == node.text else None


@dataclass
class ScalarMap:
    """Positions of the characters of one scalar's value in the source text."""

    text: str
    node: ScalarNode
    _starts: list[int] | None
    _ends: list[int] | None

    @property
    def exact(self) -> bool:
        """False when the re-scan did not reproduce the value (positions = node start)."""
        return self._starts is not None

    def source_offset(self, offset: int) -> int:
        """Source offset where value character ``offset`` is written (escape: its backslash).

        ``offset == len(value)`` gives the end of the last character.
        """
        if self._starts is None or self._ends is None:
            return self.node.start.index
        if not self._starts:
            return self.node.start.index
        if offset >= len(self._starts):
            return self._ends[-1]
        return self._starts[max(0, offset)]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of value character ``offset``."""
        if self._starts is None:
            return self.node.start.line, self.node.start.column
        return line_column(self.text, self.source_offset(offset))

    def span(self, start: int, end: int) -> Span:
        """The file region written for value characters ``start`` to ``end`` (exclusive)."""
        if self._starts is None or self._ends is None or not self._starts:
            s = self.node.start
            return Span(s.line, s.column, s.line, s.column + 1)
        start = max(0, start)
        line, column = self.position(start)
        if end <= start or start >= len(self._starts):
            return Span(line, column, line, column + 1)
        end_line, end_column = line_column(self.text, self._ends[min(end, len(self._ends)) - 1])
        return Span(line, column, end_line, end_column)


def map_scalar(source_text: str, node: ScalarNode) -> ScalarMap:
    """Build the position map of ``node`` (its marks index into ``source_text``)."""
    try:
        out = _produce(source_text, node)
    except (IndexError, ValueError):  # defensive: never let a position lookup crash a rule
        out = None
    if out is None:
        return ScalarMap(source_text, node, None, None)
    return ScalarMap(source_text, node, out.starts, out.ends)


def scalar_position(source_text: str, node: ScalarNode, offset: int) -> tuple[int, int]:
    """1-based (line, column) in the file of character ``offset`` of the node's value."""
    return map_scalar(source_text, node).position(offset)


def scalar_span(source_text: str, node: ScalarNode, start: int, end: int) -> Span:
    """The file Span of value characters ``start``..``end`` of ``node``."""
    return map_scalar(source_text, node).span(start, end)
