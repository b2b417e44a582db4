"""Split a PostgreSQL script into statements, as ``psql`` would send them.

A semicolon ends a statement only outside quotes and comments: single-quoted strings
(``''`` doubled, ``E'…'`` with backslash escapes), double-quoted identifiers,
dollar-quoted bodies (``$$ … $$``, ``$fn$ … $fn$``: function and ``DO`` bodies, taken
whole), ``--`` line comments and nested ``/* … */`` block comments.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# PostgreSQL takes every non-ASCII character as an identifier letter, beyond U+FFFF too.
_DOLLAR = re.compile(r"\$([A-Za-z_\x80-\U0010ffff][A-Za-z0-9_\x80-\U0010ffff]*)?\$")
_IDENT_CHAR = re.compile(r"[A-Za-z0-9_\x80-\U0010ffff$]")
_BLOCK_WORD = re.compile(r"\b(BEGIN\s+ATOMIC|CASE|END)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Statement:
    """One statement: its text (without the ``;``) and the 1-based line it starts on."""

    text: str
    line: int

    @property
    def summary(self) -> str:
        """The statement on one line, shortened, for messages."""
        words = " ".join(self.text.split())
        return words if len(words) <= 120 else words[:117] + "..."


def _skip_quoted(text: str, i: int, quote: str, backslash: bool) -> int:
    """Index after the closing ``quote`` of the literal whose opening quote is at ``i``."""
    i += 1
    n = len(text)
    while i < n:
        ch = text[i]
        if backslash and ch == "\\":
            i += 2
            continue
        if ch == quote:
            if i + 1 < n and text[i + 1] == quote:  # doubled quote
                i += 2
                continue
            return i + 1
        i += 1
    return n


def _skip_block_comment(text: str, i: int) -> int:
    depth, i, n = 0, i, len(text)
    while i < n:
        if text.startswith("/*", i):
            depth += 1
            i += 2
        elif text.startswith("*/", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    return n


def _scan(text: str, keep_dollar_bodies: bool) -> list[tuple[str, int, int, str]]:
    """Tokens ``(kind, start, end, text)``: ``code`` runs, ``string``, ``ident``,
    ``dollar`` (a whole dollar-quoted body), ``comment`` and ``semicolon``."""
    tokens: list[tuple[str, int, int, str]] = []
    i, n, start = 0, len(text), 0

    def flush(upto: int) -> None:
        if upto > start:
            tokens.append(("code", start, upto, text[start:upto]))

    while i < n:
        ch = text[i]
        nxt = text[i + 1] if i + 1 < n else ""
        kind = None
        if ch == "-" and nxt == "-":  # to the end of the line; PostgreSQL ends it at \r too
            ends = [e for e in (text.find("\n", i), text.find("\r", i)) if e >= 0]
            end = min(ends) if ends else n
            kind = "comment"
        elif ch == "/" and nxt == "*":
            end, kind = _skip_block_comment(text, i), "comment"
        elif ch == "'":
            prefix_e = i > 0 and text[i - 1] in "eE" and (i < 2 or not _IDENT_CHAR.match(text[i - 2]))
            end, kind = _skip_quoted(text, i, "'", prefix_e), "string"
        elif ch == '"':
            end, kind = _skip_quoted(text, i, '"', False), "ident"
        elif ch == "$" and (i == 0 or not _IDENT_CHAR.match(text[i - 1])):
            match = _DOLLAR.match(text, i)
            if match:
                close = text.find(match.group(0), match.end())
                end = n if close < 0 else close + len(match.group(0))
                kind = "dollar"
        elif ch == ";":
            end, kind = i + 1, "semicolon"
        if kind is None:
            i += 1
            continue
        flush(i)
        tokens.append((kind, i, end, text[i:end]))
        i = start = end
    flush(n)
    return tokens


def split_statements(text: str) -> list[Statement]:
    """The statements of ``text`` in order; empty ones (only comments) are dropped."""
    out: list[Statement] = []
    begin: int | None = None
    last_end = 0
    depth = 0  # parentheses: psql does not end a statement inside them (CREATE RULE ... (a; b))
    atomic = 0  # a SQL-standard body, BEGIN ATOMIC ... END (its CASE ... END inside it too)
    for kind, start, end, _piece in _scan(text, keep_dollar_bodies=True):
        if kind == "code":
            depth = max(0, depth + _piece.count("(") - _piece.count(")"))
            for word in _BLOCK_WORD.findall(_piece):
                word = word.upper()
                if word.startswith("BEGIN"):
                    atomic += 1
                elif atomic and word == "CASE":
                    atomic += 1
                elif atomic and word == "END":
                    atomic -= 1
        if kind == "semicolon" and (depth > 0 or atomic > 0):
            last_end = end
            continue
        if kind == "semicolon":
            if begin is not None:
                out.append(Statement(text[begin:last_end].strip(), text.count("\n", 0, begin) + 1))
            begin = None
            continue
        if kind == "comment":
            continue
        if begin is None:
            stripped = len(_piece) - len(_piece.lstrip())
            if kind == "code" and not _piece.strip():
                continue
            begin = start + stripped
        last_end = end
    if begin is not None and text[begin:last_end].strip():
        out.append(Statement(text[begin:last_end].strip(), text.count("\n", 0, begin) + 1))
    return out


def code_text(statement: str) -> str:
    """``statement`` without comments and string literals (each becomes ``''``), with
    dollar-quoted bodies scanned as code: what names a statement really uses."""
    parts: list[str] = []
    for kind, _start, _end, piece in _scan(statement, keep_dollar_bodies=False):
        if kind == "comment":
            parts.append(" ")
        elif kind == "string":
            parts.append("''")
        elif kind == "dollar":
            match = _DOLLAR.match(piece)
            tag_len = len(match.group(0)) if match else 0
            body = piece[tag_len:len(piece) - tag_len] if len(piece) >= 2 * tag_len else piece[tag_len:]
            parts.append(" " + code_text(body) + " ")
        else:
            parts.append(piece)
    return "".join(parts)
