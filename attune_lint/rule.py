"""The rule record: stable code, name, default severity and documentation.

It sits below every stage because each stage that emits findings declares its rules with
it (the YAML reader, the rule families, the checker's suppressions, the registrar); the
catalog that gathers them is ``rules/catalog.py``.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass

from attune_lint.diagnostics import Diagnostic, Fix, Severity, Span
from attune_lint.printable import decodable


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    doc: str = ""

    def at(
        self,
        path: str,
        span: Span,
        message: str,
        suggestion: str | None = None,
        *,
        severity: Severity | None = None,
        fix: Fix | None = None,
        related: tuple[tuple[str, Span, str], ...] = (),
    ) -> Diagnostic:
        """A diagnostic of this rule at ``span``."""
        return Diagnostic(
            path=path,
            span=span,
            severity=severity or self.severity,
            code=self.code,
            rule=self.name,
            # a file name that is not UTF-8 may be quoted anywhere: escaped once, here
            message=decodable(message),
            suggestion=None if suggestion is None else decodable(suggestion),
            fix=fix,
            related=tuple((decodable(p), s, decodable(note)) for p, s, note in related),
        )

    @property
    def documentation(self) -> str:
        return textwrap.dedent(self.doc).strip()
