"""Errors of the registrar stage, each carrying where in the pack it comes from."""
from __future__ import annotations

from dataclasses import dataclass, field

from attune_lint.diagnostics import Diagnostic, Span


@dataclass(frozen=True)
class Location:
    """A place in a file (1-based line and column) and what it is."""

    path: str
    line: int = 1
    column: int = 1
    note: str = ""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


class RegistrationError(Exception):
    """Registration failed; nothing was written (the transaction was rolled back).

    ``location`` is the file and line that caused it (the key whose value the database
    refused); ``related`` lists other places involved, e.g. the second file of a
    duplicate ref. ``ref`` is the workflow ref concerned, ``constraint`` the database
    constraint that fired (when one did) and ``sqlstate`` its SQLSTATE code.
    """

    def __init__(self, message: str, location: Location | None = None, *,
                 ref: str | None = None, related: tuple[Location, ...] = (),
                 constraint: str | None = None, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.ref = ref
        self.related = related
        self.constraint = constraint
        self.sqlstate = sqlstate

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        for other in self.related:
            text += f"\n  {other}: {other.note}" if other.note else f"\n  {other}"
        return text

    def to_diagnostic(self) -> Diagnostic:
        """The error as the one record the reporters understand (rule AL901)."""
        from attune_lint.registrar.rules import REGISTRATION_REFUSED

        loc = self.location or Location("<registration>")
        return REGISTRATION_REFUSED.at(
            loc.path, Span.point(loc.line, loc.column), self.message,
            related=tuple((r.path, Span.point(r.line, r.column), r.note) for r in self.related))


class NotFoundError(RegistrationError):
    """The workflow (or pack) to act on is not registered."""


@dataclass
class DatabaseUnavailable(Exception):
    """No database could be had; ``reasons`` says why for each backend tried."""

    reasons: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "no PostgreSQL database available:\n" + "\n".join(f"  - {r}" for r in self.reasons)


class ConnectionFailed(Exception):
    """An explicitly given DSN did not connect (never a fall-through)."""

    def __init__(self, dsn_shown: str, detail: str) -> None:
        super().__init__(f"cannot connect to the PostgreSQL server at {dsn_shown}: {detail}")
        self.dsn_shown = dsn_shown
        self.detail = detail
