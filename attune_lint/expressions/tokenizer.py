"""Tokenizer for Attune expressions, matching ``expression/tokenizer.rs``.

Characters the platform rejects (``|``, ``&``, ``!`` alone, ``=`` alone, ``?``, ``:``, ``~``,
``{``, ``}``) become BAD tokens here instead of failing at once, so the parser can look at
their neighbours and name the construct (``x | length`` → ``length(x)``). ``tokenize``
itself never raises except for unterminated strings and over-long integers, which the
platform also rejects while tokenizing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from attune_lint.expressions.errors import ExpressionError

KEYWORDS = {"true": "TRUE", "false": "FALSE", "null": "NULL", "and": "AND", "or": "OR", "not": "NOT", "in": "IN"}
# Two-character operators first; the platform accepts exactly these.
_OPERATORS = {
    "==": "EQ", "!=": "NE", "<=": "LE", ">=": "GE",
    "+": "PLUS", "-": "MINUS", "*": "STAR", "/": "SLASH", "%": "PERCENT", "<": "LT", ">": "GT",
    "(": "LPAREN", ")": "RPAREN", "[": "LBRACKET", "]": "RBRACKET", ",": "COMMA", ".": "DOT",
}
_I64_MAX = 2**63 - 1

TokenValue = Union[int, float, str, None]


@dataclass(frozen=True)
class Token:
    kind: str  # INT FLOAT STRING IDENT TRUE FALSE NULL AND OR NOT IN, operator names, BAD, EOF
    text: str  # the source text of the token
    start: int
    end: int
    value: TokenValue = None  # the number, the decoded string, or the identifier

    def __str__(self) -> str:
        return "end of expression" if self.kind == "EOF" else f"'{self.text}'"


def _is_space(ch: str) -> bool:
    # Rust's char::is_whitespace (Unicode White_Space) = str.isspace minus the separators 1C–1F.
    return ch.isspace() and ch not in "\x1c\x1d\x1e\x1f"


def _is_digit(ch: str) -> bool:
    return "0" <= ch <= "9"


def _is_ident_start(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z") or ch == "_"


def _is_ident_char(ch: str) -> bool:
    return _is_ident_start(ch) or _is_digit(ch)


def tokenize(text: str) -> list[Token]:
    """All tokens of ``text``, ending with an EOF token."""
    tokens: list[Token] = []
    pos = 0
    n = len(text)
    while True:
        while pos < n and _is_space(text[pos]):
            pos += 1
        if pos >= n:
            tokens.append(Token("EOF", "", n, n))
            return tokens
        ch = text[pos]
        start = pos
        if ch in "\"'":
            tokens.append(_read_string(text, pos))
            pos = tokens[-1].end
        elif _is_digit(ch):
            tokens.append(_read_number(text, pos))
            pos = tokens[-1].end
        elif _is_ident_start(ch):
            while pos < n and _is_ident_char(text[pos]):
                pos += 1
            word = text[start:pos]
            tokens.append(Token(KEYWORDS.get(word, "IDENT"), word, start, pos, word))
        else:
            two = text[pos:pos + 2]
            if len(two) == 2 and two in _OPERATORS:
                tokens.append(Token(_OPERATORS[two], two, start, pos + 2))
                pos += 2
            elif ch in _OPERATORS:
                tokens.append(Token(_OPERATORS[ch], ch, start, pos + 1))
                pos += 1
            elif two in ("||", "&&"):
                tokens.append(Token("BAD", two, start, pos + 2))
                pos += 2
            else:
                tokens.append(Token("BAD", ch, start, pos + 1))
                pos += 1


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\"}


def _read_string(text: str, start: int) -> Token:
    quote = text[start]
    pos = start + 1
    out: list[str] = []
    n = len(text)
    while pos < n:
        ch = text[pos]
        if ch == "\\":
            if pos + 1 >= n:
                break
            nxt = text[pos + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
            elif nxt == quote:
                out.append(nxt)
            else:  # the platform keeps unknown escapes as written
                out.append("\\" + nxt)
            pos += 2
        elif ch == quote:
            return Token("STRING", text[start:pos + 1], start, pos + 1, "".join(out))
        else:
            out.append(ch)
            pos += 1
    raise ExpressionError(
        f"unterminated string: the {quote} opened here is never closed", start, n,
        f"close the string with {quote}", construct="unterminated-string")


def _read_number(text: str, start: int) -> Token:
    pos = start
    n = len(text)
    while pos < n and _is_digit(text[pos]):
        pos += 1
    # A '.' is a decimal point only when a digit follows (``42.field`` is field access).
    if pos + 1 < n and text[pos] == "." and _is_digit(text[pos + 1]):
        pos += 1
        while pos < n and _is_digit(text[pos]):
            pos += 1
        literal = text[start:pos]
        return Token("FLOAT", literal, start, pos, float(literal))
    literal = text[start:pos]
    # Past 19 digits it is beyond i64 anyway; int() of thousands of digits is refused (and slow).
    value = int(literal) if len(literal) <= 20 else _I64_MAX + 1
    if value > _I64_MAX:
        raise ExpressionError(f"integer {_shorten(literal)} is too large (the limit is {_I64_MAX})",
                              start, pos, construct="number-too-large")
    return Token("INT", literal, start, pos, value)


def _shorten(literal: str) -> str:
    return literal if len(literal) <= 30 else f"{literal[:12]}…({len(literal)} digits)"
