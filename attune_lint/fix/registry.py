"""Which findings can be fixed: rule code → fixes, each safe or unsafe, with one line of text.

Cheap to import and to ask (no YAML library, no tree): the text report counts fixable
findings, ``attune-lint rules`` marks fixable rules and ``explain`` shows the fix from here.
A fix is *safe* when the platform runs the same thing afterwards (or refused the file
before); *unsafe* when it changes what runs, so it is applied only with ``--unsafe-fixes``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from attune_lint.diagnostics import Diagnostic


@dataclass(frozen=True)
class FixSpec:
    code: str
    name: str          # the fixer function in attune_lint.fix.fixers
    safe: bool
    description: str   # one line, for `rules`, `explain` and reports
    example: tuple[str, str]  # before, after (for `explain` and the docs)
    matches: Callable[[Diagnostic], bool]

    @property
    def applicability(self) -> str:
        return "safe" if self.safe else "unsafe"

    def function(self):  # type: ignore[no-untyped-def]
        from attune_lint.fix import fixers

        return getattr(fixers, self.name)


def _always(diagnostic: Diagnostic) -> bool:
    return True


FIXES: tuple[FixSpec, ...] = (
    FixSpec("AL310", "migrate_legacy", True,
            "rewrite the task's legacy transitions (on_*, decision, task-level publish) as 'next', "
            "exactly as the platform normalises them",
            ("- name: build\n  action: core.echo\n  on_success: deploy  # go on\n  on_failure: alert\n"
             "  publish:\n    - built: \"{{ result() }}\"",
             "- name: build\n  action: core.echo\n  next:\n    - when: \"{{ succeeded() }}\"\n"
             "      publish:\n        - built: \"{{ result() }}\"\n      do: [deploy]  # go on\n"
             "    - when: \"{{ failed() }}\"\n      do: [alert]"),
            _always),
    FixSpec("AL205", "quote_scalar", True,
            "quote the value with the author's text (version: 1.10 → version: \"1.10\")",
            ("version: 1.10", 'version: "1.10"'),
            lambda d: "reads the unquoted" in d.message),
    FixSpec("AL202", "do_as_list", True,
            "write the single target as a list (do: task → do: [task])",
            ("do: deploy", "do: [deploy]"),
            lambda d: "write 'do: [task]'" in d.message),
    FixSpec("AL202", "vars_list_as_map", True,
            "turn a 'vars' list of one-key maps into one map",
            ("vars:\n  - count: 1\n  - name: x", "vars:\n  count: 1\n  name: x"),
            lambda d: d.message.startswith("'vars' must be a map") and "found a list" in d.message),
    FixSpec("AL202", "empty_map_as_list", True,
            "write an empty list where an empty map stands for one (dependencies: {} → [])",
            ("dependencies: {}", "dependencies: []"),
            lambda d: "must be a list" in d.message and "found a mapping" in d.message),
    FixSpec("AL402", "jinja_filter_as_call", True,
            "call the Attune function instead of the Jinja filter (x | length → length(x))",
            ('"{{ parameters.items | length }}"', '"{{ length(parameters.items) }}"'),
            lambda d: (d.suggestion or "").startswith("call the function instead: ")
            and not (d.suggestion or "").startswith("call the function instead: x")),
    FixSpec("AL201", "rename_unknown_key", False,
            "rename the unknown key to the known key one letter away (changes what runs)",
            ("on_sucess: next_task", "on_success: next_task"),
            lambda d: bool(re.search(r"did you mean '[^']+'\?", d.suggestion or ""))),
    FixSpec("AL206", "rename_output_schema", False,
            "rename an action's 'output_schema' to 'output' (the platform then reads it)",
            ("output_schema:\n  result: {type: string}", "output:\n  result: {type: string}"),
            lambda d: d.message.startswith("'output_schema' is ignored")),
    FixSpec("AL309", "remove_legacy_beside_next", False,
            "remove the legacy field the platform ignores beside 'next' (drops what the author wrote)",
            ("next:\n  - do: [b]\non_success: c", "next:\n  - do: [b]"),
            _always),
)

BY_CODE: dict[str, tuple[FixSpec, ...]] = {}
for _spec in FIXES:
    BY_CODE[_spec.code] = BY_CODE.get(_spec.code, ()) + (_spec,)


def fix_for(diagnostic: Diagnostic) -> FixSpec | None:
    """The fix that applies to this finding, if any (by its rule and its wording)."""
    for spec in BY_CODE.get(diagnostic.code, ()):
        if spec.matches(diagnostic):
            return spec
    return None


def specs_for(code: str) -> tuple[FixSpec, ...]:
    return BY_CODE.get(code, ())


def rule_marker(code: str) -> str:
    """'safe', 'unsafe', 'safe+unsafe' or '' for `attune-lint rules`."""
    kinds = sorted({spec.applicability for spec in specs_for(code)})
    return "+".join(kinds)


def counts(diagnostics: list[Diagnostic]) -> tuple[int, int]:
    """How many findings a safe fix and an unsafe fix would address."""
    safe = unsafe = 0
    for diagnostic in diagnostics:
        spec = fix_for(diagnostic)
        if spec is not None:
            if spec.safe:
                safe += 1
            else:
                unsafe += 1
    return safe, unsafe
