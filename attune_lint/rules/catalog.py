"""Rule metadata: stable code, name, default severity and documentation.

Each rule module declares its rules next to its checks; this module only defines the
record and gathers the declarations into one catalog.
"""
from __future__ import annotations

import importlib
import textwrap
from dataclasses import dataclass
from functools import lru_cache

from attune_lint.diagnostics import Diagnostic, Fix, Severity, Span


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
            message=message,
            suggestion=suggestion,
            fix=fix,
            related=related,
        )

    @property
    def documentation(self) -> str:
        return textwrap.dedent(self.doc).strip()


# Modules that declare rules (a ``RULES`` tuple each). Listed, not discovered, so the
# catalog is the same on every machine and costs no directory scan at start-up.
RULE_MODULES: tuple[str, ...] = (
    "attune_lint.document.rules",
    "attune_lint.rules.structure",
    "attune_lint.rules.graph",
    "attune_lint.rules.references",
    "attune_lint.rules.gotchas",
    "attune_lint.rules.templates",
    "attune_lint.rules.expression_names",
    "attune_lint.rules.meta",
    "attune_lint.registrar.rules",
)


@lru_cache(maxsize=1)
def all_rules() -> dict[str, Rule]:
    """Every rule by code, in code order."""
    rules: dict[str, Rule] = {}
    for module_name in RULE_MODULES:
        module = importlib.import_module(module_name)
        for rule in module.RULES:
            if rule.code in rules:
                raise RuntimeError(f"rule code {rule.code} declared twice")
            rules[rule.code] = rule
    return dict(sorted(rules.items()))


def find_rule(code_or_name: str) -> Rule | None:
    """A rule by its code (case-insensitive) or its name."""
    wanted = code_or_name.strip()
    for rule in all_rules().values():
        if rule.code.lower() == wanted.lower() or rule.name == wanted:
            return rule
    return None
