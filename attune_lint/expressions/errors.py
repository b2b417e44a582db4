"""The one error type of the expression package."""
from __future__ import annotations


class ExpressionError(Exception):
    """A syntax error in one expression.

    ``start``/``end`` are character offsets into the expression text (end exclusive);
    ``construct`` names an unsupported construct (``"jinja-filter"``, ``"ternary"``…) or is
    ``"syntax"`` for an ordinary mistake, so rules can group or reword them.
    """

    def __init__(self, message: str, start: int, end: int, suggestion: str | None = None,
                 construct: str = "syntax") -> None:
        super().__init__(message)
        self.message = message
        self.start = start
        self.end = max(end, start)
        self.suggestion = suggestion
        self.construct = construct

    def __repr__(self) -> str:
        return f"ExpressionError({self.message!r}, {self.start}, {self.end}, construct={self.construct!r})"
