"""Inline suppressions written in YAML comments.

    key: value  # attune-lint: disable=AL201,AL202     this line
    # attune-lint: disable-next-line=AL201               the next line that is not blank or a comment
    # attune-lint: disable-file=AL205                    the whole file

Comments are not part of the YAML tree, so the text is scanned by a small tokenizer that
knows quoted scalars (also across lines), block scalars (``|``/``>``: a ``#`` inside them is
text) and flow collections. A suppression on a line that opens a block scalar, or ends a
multi-line quoted scalar, covers the lines of that scalar too: findings inside it have no
line of their own where a comment could go.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from attune_lint.diagnostics import Diagnostic, Span
from attune_lint.document.reader import source_lines

MARKER = "attune-lint:"
_DIRECTIVE = re.compile(
    r"#\s*attune-lint:\s*(?P<kind>disable-next-line|disable-file|disable)\s*=\s*"
    r"(?P<codes>[A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*)")
_CODE = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Comment:
    line: int     # 1-based
    column: int   # 1-based column of '#'
    text: str     # from '#' to the end of the line


@dataclass(frozen=True)
class ScalarLines:
    """Lines of a block scalar (header line first) or of a multi-line quoted scalar."""

    first: int
    last: int


def scan_comments(text: str) -> tuple[list[Comment], list[ScalarLines]]:
    """Every comment of a YAML text, and the multi-line scalars (see module doc)."""
    return _Scanner(text).run()


class _Scanner:
    def __init__(self, text: str) -> None:
        self.lines = source_lines(text)
        self.comments: list[Comment] = []
        self.scalars: list[ScalarLines] = []
        self.quote: str | None = None     # inside a quoted scalar begun on an earlier line
        self.quote_start = 0
        self.flow = 0                     # depth of [ ] / { }
        self.block: tuple[int, int] | None = None  # (header line, parent indentation)
        self.block_indent: int | None = None
        self.block_last = 0

    def run(self) -> tuple[list[Comment], list[ScalarLines]]:
        for number, line in enumerate(self.lines, start=1):
            if self.block is not None and self._in_block(number, line):
                continue
            self._scan(number, line)
        self._end_block()
        return self.comments, self.scalars

    # Block scalars: content lines are blank or indented at least as the first content
    # line, which must be indented more than the node that owns the scalar.
    def _in_block(self, number: int, line: str) -> bool:
        assert self.block is not None
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if not stripped.strip():
            return True
        if self.block_indent is None:
            if indent > self.block[1]:
                self.block_indent = indent
        if self.block_indent is not None and indent >= self.block_indent:
            self.block_last = number
            return True
        self._end_block()
        return False

    def _end_block(self) -> None:
        if self.block is not None:
            self.scalars.append(ScalarLines(self.block[0], max(self.block_last, self.block[0])))
        self.block, self.block_indent = None, None

    def _scan(self, number: int, line: str) -> None:
        i, n = 0, len(line)
        if self.quote is not None:
            i = self._close_quote(line, 0)
            if i < 0:
                return
            self.scalars.append(ScalarLines(self.quote_start, number))
            self.quote = None
        token_start = self.quote is None and i == 0
        indent = len(line) - len(line.lstrip(" "))
        node_column = indent       # column of the node owning a block scalar opened on this line
        scalar_start = indent
        while i < n:
            ch = line[i]
            if ch in " \t":
                i += 1
                continue
            if ch == "#" and (i == 0 or line[i - 1] in " \t"):
                self.comments.append(Comment(number, i + 1, line[i:]))
                return
            if token_start:
                if ch in "\"'":
                    scalar_start = i
                    end = self._close_quote(line, i + 1, ch)
                    if end < 0:
                        self.quote, self.quote_start = ch, number
                        return
                    i, token_start = end, False
                    continue
                if ch in "|>" and self.flow == 0:
                    self.block = (number, node_column)
                    self.block_last = number
                    i += 1
                    while i < n and line[i] not in " \t":  # indicators: |-, >+2 ...
                        i += 1
                    continue
                if ch == "-" and (i + 1 == n or line[i + 1] in " \t") and self.flow == 0:
                    node_column = i
                    i += 1
                    continue
                if ch == "?" and (i + 1 == n or line[i + 1] in " \t"):
                    i += 1
                    continue
                if ch in "&!":  # anchor or tag: the node itself follows
                    while i < n and line[i] not in " \t":
                        i += 1
                    continue
                if ch in "[{":
                    self.flow += 1
                    i += 1
                    continue
                scalar_start = i
                token_start = False
            # Inside a plain scalar or after a node: look for indicators.
            if ch == ":" and (i + 1 == n or line[i + 1] in " \t" or (self.flow and line[i + 1] in ",[]{}")):
                node_column = scalar_start
                token_start = True
            elif self.flow and ch in "[{":
                self.flow += 1
                token_start = True
            elif self.flow and ch == ",":
                token_start = True
            elif self.flow and ch in "]}":
                self.flow -= 1
            i += 1

    def _close_quote(self, line: str, i: int, quote: str | None = None) -> int:
        """Index after the closing quote from ``i``, or -1 when the scalar goes on."""
        quote = quote or self.quote
        n = len(line)
        while i < n:
            ch = line[i]
            if quote == '"' and ch == "\\":
                i += 2
                continue
            if ch == quote:
                if quote == "'" and i + 1 < n and line[i + 1] == "'":
                    i += 2
                    continue
                return i + 1
            i += 1
        return -1


@dataclass
class Suppression:
    kind: str                 # "disable", "disable-next-line" or "disable-file"
    code: str                 # as written
    span: Span                # where the code is written in the comment
    lines: frozenset[int]     # lines covered (empty for disable-file)
    alone: bool = False       # the comment is the only thing on its line
    used: bool = False

    def covers(self, diagnostic: Diagnostic) -> bool:
        if diagnostic.code.lower() != self.code.lower() and diagnostic.rule.lower() != self.code.lower():
            return False
        return self.kind == "disable-file" or diagnostic.line in self.lines


@dataclass
class FileSuppressions:
    path: str
    suppressions: list[Suppression] = field(default_factory=list)
    malformed: list[tuple[Span, str]] = field(default_factory=list)  # comments that do not parse

    def filter(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        """The diagnostics no suppression covers; marks the suppressions that were used."""
        kept = []
        for diagnostic in diagnostics:
            hit = False
            for suppression in self.suppressions:
                if suppression.covers(diagnostic):
                    suppression.used = hit = True
            if not hit:
                kept.append(diagnostic)
        return kept


def parse_suppressions(text: str, path: str) -> FileSuppressions:
    """The suppressions written in the comments of ``text``."""
    result = FileSuppressions(path)
    if MARKER not in text:
        return result
    comments, scalars = scan_comments(text)
    lines = source_lines(text)
    comment_only = {c.line for c in comments if not lines[c.line - 1][: c.column - 1].strip()}
    for comment in comments:
        if MARKER not in comment.text:
            continue
        directive = _DIRECTIVE.match(comment.text)
        if directive is None:
            at = comment.text.index(MARKER)
            result.malformed.append((Span(comment.line, comment.column + at, comment.line,
                                          comment.column + len(comment.text.rstrip())),
                                     comment.text.strip()))
            continue
        kind = directive.group("kind")
        if kind == "disable":
            covered = _with_scalar_lines(comment.line, scalars)
        elif kind == "disable-next-line":
            target = _next_code_line(comment.line, lines, comment_only)
            covered = _with_scalar_lines(target, scalars) if target else frozenset()
        else:
            covered = frozenset()
        offset = comment.column - 1 + directive.start("codes")
        for code in _CODE.finditer(directive.group("codes")):
            column = offset + code.start() + 1
            span = Span(comment.line, column, comment.line, column + len(code.group()))
            result.suppressions.append(Suppression(kind, code.group(), span, covered, comment.line in comment_only))
    return result


def _next_code_line(line: int, lines: list[str], comment_only: set[int]) -> int | None:
    for number in range(line + 1, len(lines) + 1):
        if lines[number - 1].strip() and number not in comment_only:
            return number
    return None


def _with_scalar_lines(line: int, scalars: list[ScalarLines]) -> frozenset[int]:
    covered = {line}
    for scalar in scalars:
        if line in (scalar.first, scalar.last):
            covered.update(range(scalar.first, scalar.last + 1))
    return frozenset(covered)

