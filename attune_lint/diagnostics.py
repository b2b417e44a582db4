"""The one record every stage produces and every reporter consumes."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.IntEnum):
    """Ordered so that ``severity >= Severity.WARNING`` reads naturally."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (expected error, warning or info)") from None


@dataclass(frozen=True)
class Span:
    """A 1-based, inclusive-start, exclusive-end region of a file."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int) -> "Span":
        return cls(line, column, line, column + 1)


@dataclass(frozen=True)
class Fix:
    """A replacement of ``span`` by ``text``; applied only by ``--fix``."""

    span: Span
    text: str


@dataclass(frozen=True)
class Diagnostic:
    path: str
    span: Span
    severity: Severity
    code: str
    rule: str
    message: str
    suggestion: str | None = None
    fix: Fix | None = None
    related: tuple[tuple[str, Span, str], ...] = field(default=())

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column

    def sort_key(self) -> tuple[Any, ...]:
        return (self.path, self.span.line, self.span.column, self.code, self.message)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "severity": self.severity.label,
            "code": self.code,
            "rule": self.rule,
            "message": self.message,
            "suggestion": self.suggestion,
        }

    def with_severity(self, severity: Severity) -> "Diagnostic":
        from dataclasses import replace

        return replace(self, severity=severity)
