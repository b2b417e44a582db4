"""``attune-lint fix PATH...``: rewrite what can be rewritten, keeping every comment, then
report what remains (as ``check --fix``; the engine is ``attune_lint.fix``)."""
from __future__ import annotations

import argparse
from typing import Any

from attune_lint.commands import check


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "fix", help="fix findings in place (legacy transitions → next, quoting, Jinja filters, ...)",
        description="Fix what can be fixed and report the findings that remain, as 'check' would. "
                    "Only the fixed lines change: comments, key order, quoting and indentation of "
                    "everything else stay byte for byte; writes are atomic. Fixes that change what "
                    "runs are applied only with --unsafe-fixes. See docs/fix.md.",
    )
    check.add_options(parser)
    check.add_fix_options(parser)
    parser.set_defaults(run=run, fix=True)
    return parser


def run(args: argparse.Namespace) -> int:
    return check.run_fix(args)
