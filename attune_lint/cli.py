"""Command-line entry point: ``attune-lint [COMMAND] ...``.

Each command lives in ``attune_lint/commands/<name>.py`` with ``add_parser(subparsers)``
and ``run(args) -> int``; command modules keep their heavy imports inside ``run`` so that
``attune-lint one-file.yaml`` starts fast.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from attune_lint import __version__
from attune_lint.exit_status import EXIT_FINDINGS, EXIT_USAGE

# command name → module; the first one is the default command.
COMMANDS: dict[str, str] = {
    "check": "attune_lint.commands.check",
    "fix": "attune_lint.commands.fix",
    "rules": "attune_lint.commands.rules",
    "explain": "attune_lint.commands.explain",
    "schema": "attune_lint.commands.schema",
    "register": "attune_lint.commands.register",
    "unregister": "attune_lint.commands.unregister",
    "install-hooks": "attune_lint.commands.install_hooks",
    "check-staged": "attune_lint.commands.check_staged",
    "graph": "attune_lint.commands.graph",
}
DEFAULT_COMMAND = "check"


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or with ``only`` of that command alone: a run of one
    command need not import the others' modules (about 10 ms at start-up). The usage
    and help of a command, and of the parser itself (``COMMAND``), are the same either way."""
    parser = argparse.ArgumentParser(
        prog="attune-lint",
        description="Validate Attune packs: workflow YAML, action files and pack manifests.",
        epilog="Without a command, 'check' is assumed: 'attune-lint packs/' is 'attune-lint check packs/'.",
    )
    parser.add_argument("--version", action="version", version=f"attune-lint {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        if only is None or name == only:
            importlib.import_module(module_name).add_parser(subparsers)
    return parser


def _with_default_command(argv: list[str]) -> list[str]:
    if not argv:
        return argv
    first = argv[0]
    if first in COMMANDS or first in ("-h", "--help", "--version"):
        return argv
    return [DEFAULT_COMMAND, *argv]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command in ``argv`` (default: this process's arguments) and return the exit status."""
    status = _main(argv)
    if argv is None:
        # This is the process's entry point (callers in a long-lived process pass argv), and
        # the process ends now: the interpreter's last full collection would scan every
        # object left (about 10 ms after a one-file check) for memory about to be returned
        # anyway. Frozen objects are skipped by it; atexit handlers still run.
        import gc

        gc.freeze()
    return status


def _main(argv: Sequence[str] | None) -> int:
    args_list = _with_default_command(list(sys.argv[1:] if argv is None else argv))
    # A command named first is the one parsed; anything else (--help, a mistyped command,
    # nothing) needs the list of every command.
    parser = build_parser(args_list[0] if args_list and args_list[0] in COMMANDS else None)
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print("attune-lint: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (| head): the findings were not all seen
        return EXIT_FINDINGS
    except Exception as exc:  # an internal error is a bug, but never a bare traceback
        import traceback

        print(f"attune-lint: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("please report this with the file that caused it; details follow:", file=sys.stderr)
        traceback.print_exc()
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
