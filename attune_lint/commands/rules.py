"""``attune-lint rules``: the rule catalog."""
from __future__ import annotations

import argparse
import json
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("rules", help="list every rule with its code, name and severity",
                                   description="List every rule: code, name, default severity, summary.")
    parser.add_argument("--format", choices=["text", "json"], default="text", help="output format")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from attune_lint.rules.catalog import all_rules

    rules = all_rules().values()
    if args.format == "json":
        print(json.dumps([{"code": r.code, "name": r.name, "severity": r.severity.label, "summary": r.summary}
                          for r in rules], indent=2))
        return 0
    width = max((len(r.name) for r in rules), default=10)
    for rule in rules:
        print(f"{rule.code}  {rule.name:<{width}}  {rule.severity.label:<7}  {rule.summary}")
    return 0
