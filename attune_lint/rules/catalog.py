"""The catalog: every rule declared anywhere, by code.

Each rule module declares its rules (``attune_lint.rule.Rule``) next to the code that
emits them; this module gathers the declarations into one catalog.
"""
from __future__ import annotations

import importlib
from functools import lru_cache

from attune_lint.rule import Rule


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
