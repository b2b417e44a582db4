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


# The policy every rule's default severity follows; docs/rules.md opens with it.
SEVERITY_POLICY = """\
## Severity policy

Severities follow what Attune does with the file:

* **error**: Attune refuses the file (the pack registration, the workflow load or the
  validator fails), or the workflow cannot run as written.
* **warning**: Attune accepts the file but silently ignores, drops or changes something
  (an unknown key, a field of the wrong kind that it reads leniently, a legacy form it
  rewrites), or the file works only under a condition (an undeclared parameter the caller
  must pass).
* **info**: style and portability advice.

In `pack.yaml` and action files the platform reads each field on its own: most leniently
(a value of the wrong kind is dropped or read as absent, so AL202 is a warning there, e.g.
`dependencies: {}` is read as no dependencies), a few strictly (`ref`, pack `version`,
`testing`, action `timeout_seconds`, `reference_visibility`, retention fields: errors).
The schemas mark each field with `x-lenient` or `x-strict`; AL202 lists them.
"""
