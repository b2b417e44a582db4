"""``attune-lint rules``: the rule catalog."""
from __future__ import annotations

import argparse
import json
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("rules", help="list every rule with its code, name and severity",
                                   description="List every rule: code, name, default severity, summary; "
                                               "'[fix: safe]' marks rules 'attune-lint fix' fixes, "
                                               "'[fix: unsafe]' those fixed only with --unsafe-fixes.")
    parser.add_argument("--format", choices=["text", "json"], default="text", help="output format")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from attune_lint.fix.registry import rule_marker
    from attune_lint.rules.catalog import all_rules

    rules = all_rules().values()
    if args.format == "json":
        print(json.dumps([{"code": r.code, "name": r.name, "severity": r.severity.label, "summary": r.summary,
                           "fix": rule_marker(r.code) or None}
                          for r in rules], indent=2))
        return 0
    width = max((len(r.name) for r in rules), default=10)
    for rule in rules:
        marker = rule_marker(rule.code)
        fixable = f"  [fix: {marker}]" if marker else ""
        print(f"{rule.code}  {rule.name:<{width}}  {rule.severity.label:<7}  {rule.summary}{fixable}")
    return 0
