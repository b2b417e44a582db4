"""``attune-lint check PATH...``: lint packs, folders of packs and single files."""
from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ..diagnostics import Severity

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    from ..report import FORMATS

    parser = subparsers.add_parser(
        "check", help="lint pack files (the default command)",
        description="Lint Attune packs: pack.yaml, action files and workflow files. PATH may be a "
                    "pack root, a folder holding packs, or single files (each checked with its pack's context).",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="packs, folders of packs or files (default: .)")
    parser.add_argument("--format", "-f", choices=sorted(FORMATS), default="text",
                        help="output format (default: text)")
    parser.add_argument("--fail-on", choices=["error", "warning", "info"], default=None,
                        help="lowest severity that makes the exit status 1 (default: error)")
    parser.add_argument("--max-file-size", type=int, default=None, metavar="BYTES",
                        help="largest file read, in bytes (default: 1048576, as the platform)")
    parser.add_argument("--select", action="append", default=[], metavar="CODE",
                        help="check only these rule codes or names (repeatable, comma-separated)")
    parser.add_argument("--ignore", action="append", default=[], metavar="CODE",
                        help="skip these rule codes or names (repeatable, comma-separated)")
    parser.add_argument("--no-snippet", action="store_true", help="text format: no source line and caret")
    parser.add_argument("--quiet", "-q", action="store_true", help="text format: no closing summary")
    parser.set_defaults(run=run)
    return parser


def _codes(values: list[str]) -> tuple[str, ...]:
    return tuple(code.strip() for value in values for code in value.split(",") if code.strip())


def settings_from_args(args: argparse.Namespace) -> Any:
    from dataclasses import replace

    from ..settings import Settings

    settings = Settings()
    changes: dict[str, Any] = {}
    if args.fail_on:
        changes["fail_on"] = Severity.parse(args.fail_on)
    if args.max_file_size is not None:
        changes["max_file_size"] = args.max_file_size
    if args.select:
        changes["select"] = _codes(args.select)
    if args.ignore:
        changes["ignore"] = settings.ignore + _codes(args.ignore)
    return replace(settings, **changes)


def use_colour(stream: Any) -> bool:
    if os.environ.get("NO_COLOR") is not None:
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def run(args: argparse.Namespace) -> int:
    from ..report import reporter
    from ..run import lint

    if args.max_file_size is not None and args.max_file_size <= 0:
        print("attune-lint: --max-file-size must be a positive number of bytes", file=sys.stderr)
        return EXIT_USAGE
    settings = settings_from_args(args)
    result = lint(args.paths or ["."], settings)
    module = reporter(args.format)
    if args.format == "text":
        from ..report import text

        body = text.render(result.diagnostics, result.line_of, use_colour(sys.stdout), not args.no_snippet)
        if body:
            print(body)
        if not args.quiet:
            print(("\n" if body else "") + text.summary(result.files_checked, result.diagnostics, result.seconds))
    else:
        print(module.render_run(result))
    if not result.workspace.targets and not result.workspace.problems:
        print("attune-lint: no pack files found in " + ", ".join(args.paths or ["."]), file=sys.stderr)
    return EXIT_FINDINGS if result.failed else EXIT_OK
