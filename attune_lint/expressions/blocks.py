"""Template extraction: the ``{{ … }}`` blocks of a string, as Attune renders them.

attune-format.md §4.5: a block ends at the *first* ``}}`` after ``{{``; an unclosed ``{{``
is literal text; ``{% %}`` and single braces mean nothing. Offsets are character offsets
into the string (the YAML scalar's value), so a rule can map them to the file with
``attune_lint.document.scalar_map``.
"""
from __future__ import annotations

from dataclasses import dataclass

OPEN = "{{"
CLOSE = "}}"


@dataclass(frozen=True)
class TemplateBlock:
    """One ``{{ expression }}`` block."""

    expression: str  # the text between ``{{`` and ``}}``, untrimmed
    start: int  # offset of ``{{``
    end: int  # offset just after ``}}``

    @property
    def expr_start(self) -> int:
        """Offset in the string of the first character of ``expression``."""
        return self.start + len(OPEN)

    @property
    def expr_end(self) -> int:
        return self.end - len(CLOSE)

    def to_string_offset(self, expr_offset: int) -> int:
        """An offset inside ``expression`` as an offset inside the whole string."""
        return self.expr_start + expr_offset


def find_blocks(text: str) -> list[TemplateBlock]:
    """Every closed block, left to right (an unclosed ``{{`` ends the search)."""
    blocks: list[TemplateBlock] = []
    pos = 0
    while True:
        open_at = text.find(OPEN, pos)
        if open_at < 0:
            return blocks
        close_at = text.find(CLOSE, open_at + len(OPEN))
        if close_at < 0:
            return blocks
        blocks.append(TemplateBlock(text[open_at + len(OPEN):close_at], open_at, close_at + len(CLOSE)))
        pos = close_at + len(CLOSE)


def find_unclosed(text: str) -> int | None:
    """Offset of a ``{{`` that no ``}}`` closes (the platform keeps it as literal text).

    Only the first one matters: everything after it is literal too.
    """
    pos = 0
    while True:
        open_at = text.find(OPEN, pos)
        if open_at < 0:
            return None
        close_at = text.find(CLOSE, open_at + len(OPEN))
        if close_at < 0:
            return open_at
        pos = close_at + len(CLOSE)


def has_template(text: str) -> bool:
    """True when the string holds at least one closed block."""
    return bool(find_blocks(text))


def is_pure_template(text: str) -> bool:
    """The platform's type-preserving case: trimmed string is ``{{ … }}`` with one ``{{``."""
    trimmed = text.strip()
    return trimmed.startswith(OPEN) and trimmed.endswith(CLOSE) and trimmed.count(OPEN) == 1
