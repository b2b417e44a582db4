"""``attune-lint explain CODE``: one rule's documentation with examples."""
from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("explain", help="print one rule's documentation",
                                   description="Print a rule's documentation, with a failing and a passing example.")
    parser.add_argument("code", metavar="CODE", help="rule code (AL201) or name (unknown-key)")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from attune_lint.rules.catalog import all_rules, find_rule
    from attune_lint.spelling import closest

    rule = find_rule(args.code)
    if rule is None:
        names = [r.code for r in all_rules().values()] + [r.name for r in all_rules().values()]
        match = closest(args.code, names)
        print(f"attune-lint: no rule {args.code!r}" + (f"; did you mean {match!r}?" if match else "") +
              " (attune-lint rules lists them)", file=sys.stderr)
        return 2
    print(f"{rule.code} {rule.name} ({rule.severity.label})\n\n{rule.summary}\n")
    print(rule.documentation)
    from attune_lint.fix.registry import specs_for

    for spec in specs_for(rule.code):
        how = "attune-lint fix" if spec.safe else "attune-lint fix --unsafe-fixes"
        print(f"\nFix ({spec.applicability}, applied by '{how}'): {spec.description}")
        before, after = spec.example
        print("    before:\n" + "\n".join("        " + line for line in before.splitlines()))
        print("    after:\n" + "\n".join("        " + line for line in after.splitlines()))
    return 0
