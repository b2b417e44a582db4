"""``attune-lint schema KIND``: print a shipped JSON Schema (for editors)."""
from __future__ import annotations

import argparse
from typing import Any

KINDS = ("pack", "action", "graph", "standalone")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "schema", help="print the JSON Schema of a file kind",
        description="Print the JSON Schema (draft 2020-12) of a file kind: pack (pack.yaml), action "
                    "(actions/*.yaml), graph (actions/workflows/*.yaml) or standalone (workflows/*.yaml).")
    parser.add_argument("kind", choices=KINDS, metavar="KIND", help=", ".join(KINDS))
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from attune_lint.schemas import schema_text

    print(schema_text(args.kind), end="")
    return 0
