"""Hostile inputs, built on the spot: each attack is a small pack (or a file, or options) that
once crashed, hung or leaked. Adding an attack is adding one entry to ``ATTACKS``.

Every attack is linted by ``test_hostile.py`` in a fresh process with a time limit: the run
must end, exit 0 or 1 (never the internal-error status 2), print no traceback, and report the
findings the attack names at their (code, line, column).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

HEAD = 'ref: hostile.w\nlabel: W\nversion: "1.0.0"\n'


@dataclass(frozen=True)
class Attack:
    name: str
    files: dict[str, str | bytes]  # path below the pack folder -> content
    expect: tuple[tuple[str, int, int], ...] = ()  # (code, line, column) that must be reported
    argv: tuple[str, ...] = ()  # extra options for 'attune-lint check'
    prepare: Callable[..., None] | None = field(default=None, compare=False)  # (pack folder) -> None


def _task(body: str) -> str:
    return HEAD + "tasks:\n  - name: a\n    action: core.echo\n" + body


ATTACKS: tuple[Attack, ...] = (
    # 1. integers Python will not convert (more than 4,300 digits)
    Attack("huge-integer-value", {"workflows/w.yaml": _task("    timeout: " + "9" * 5000 + "\n")}),
    Attack("huge-integer-in-template",
           {"workflows/w.yaml": _task('    input:\n      n: "{{ ' + "9" * 5000 + ' }}"\n')},
           expect=(("AL401", 8, 14),)),  # the literal, after '      n: "{{ '
    # 2. templates nested deeper than a recursive parser goes
    Attack("deep-parentheses",
           {"workflows/w.yaml": _task('    input:\n      n: "{{ ' + "(" * 300 + "1" + ")" * 300 + ' }}"\n')},
           expect=(("AL401", 8, 78),)),  # the 65th '('
    Attack("deep-not", {"workflows/w.yaml": _task('    when: "{{ ' + "not " * 300 + 'true }}"\n')},
           expect=(("AL401", 7, 271),)),  # the 65th 'not'
    Attack("deep-minus", {"workflows/w.yaml": _task('    input:\n      n: "{{ ' + "- " * 300 + '1 }}"\n')},
           expect=(("AL401", 8, 142),)),  # the 65th '-'
    Attack("long-operator-chain",
           {"workflows/w.yaml": _task('    input:\n      n: "{{ ' + " + ".join(["1"] * 3000) + ' }}"\n')},
           expect=(("AL401", 8, 14),)),  # the whole chain
    Attack("deep-brackets",
           {"workflows/w.yaml": _task('    input:\n      n: "{{ ' + "[" * 300 + "]" * 300 + ' }}"\n')},
           expect=(("AL401", 8, 78),)),  # the 65th '['
    # 3. lists nested deeper than serde_yaml reads
    Attack("deep-yaml-list", {"workflows/w.yaml": _task("    input:\n      n: " + "[" * 500 + "]" * 500 + "\n")},
           expect=(("AL101", 8, 134),)),  # the 125th '[': depth 129
)
