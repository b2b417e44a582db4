"""``attune-lint check PATH...``: lint packs, folders of packs and single files."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from attune_lint.diagnostics import Severity
from attune_lint.exit_status import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from attune_lint.limits import MAX_FILE_SIZE_SETTING
from attune_lint.settings.record import Settings



def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "check", help="lint pack files (the default command)",
        description="Lint Attune packs: pack.yaml, action files and workflow files. PATH may be a "
                    "pack root, a folder holding packs, or single files (each checked with its pack's context). "
                    "Settings come from [tool.attune-lint] in pyproject.toml or .attune-lint.yaml, found from "
                    "the current folder upwards; flags override them.",
    )
    add_options(parser)
    add_fix_options(parser, in_check=True)
    parser.set_defaults(run=run)
    return parser


def add_fix_options(parser: argparse.ArgumentParser, in_check: bool = False) -> None:
    """--fix (check only), --unsafe-fixes, --diff: the options of ``attune-lint fix``."""
    if in_check:
        parser.add_argument("--fix", action="store_true",
                            help="fix what can be fixed safely (as 'attune-lint fix'), then report what remains")
    parser.add_argument("--unsafe-fixes", action="store_true",
                        help="also apply the fixes that change what runs (renames, removals)")
    parser.add_argument("--diff", action="store_true",
                        help="print the fixes (safe and unsafe) as a unified diff and write nothing; "
                             "exit 1 when there would be changes")


def add_options(parser: argparse.ArgumentParser) -> None:
    """The options shared by ``check`` and ``fix``."""
    from attune_lint.report import FORMATS

    parser.add_argument("paths", nargs="*", metavar="PATH", help="packs, folders of packs or files (default: .)")
    parser.add_argument("--format", "-f", choices=sorted(FORMATS), default="text",
                        help="output format (default: text)")
    parser.add_argument("--output", "-o", metavar="FILE", default=None,
                        help="write the --format output to FILE (atomically); the text report still goes "
                             "to the terminal")
    parser.add_argument("--config", metavar="FILE", default=None,
                        help="read settings from FILE (pyproject.toml, another .toml or a YAML file) "
                             "instead of searching for one")
    parser.add_argument("--no-config", action="store_true",
                        help="ignore configuration files: defaults and flags only")
    parser.add_argument("--show-config", action="store_true",
                        help="print the effective settings and where each came from, then exit")
    parser.add_argument("--fail-on", choices=["error", "warning", "info"], default=None,
                        help="lowest severity that makes the exit status 1 (default: error)")
    parser.add_argument("--max-file-size", type=int, default=None, metavar="BYTES",
                        help="largest file read, in bytes (default: 1048576, as the platform)")
    parser.add_argument("--select", action="append", default=[], metavar="CODE",
                        help="check only these rule codes or names (repeatable, comma-separated; "
                             "replaces the configured list)")
    parser.add_argument("--ignore", action="append", default=[], metavar="CODE",
                        help="skip these rule codes or names (repeatable, comma-separated; added to the "
                             "configured list)")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                        help="skip files matching GLOB (repeatable; added to the configured list)")
    parser.add_argument("--baseline", metavar="FILE", default=None,
                        help="report only findings that are not recorded in FILE")
    parser.add_argument("--write-baseline", metavar="FILE", default=None,
                        help="record the findings of this run in FILE (the exit status is then 0)")
    parser.add_argument("--exit-zero", action="store_true",
                        help="exit 0 even when there are findings (usage and internal errors still exit 2)")
    parser.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                        help="check packs in N worker processes (default: the number of cores; a run "
                             "with few files stays in one process)")
    parser.add_argument("--shard", metavar="K/N", default=None,
                        help="check only shard K of N of the packs (a stable hash of the pack ref; "
                             "references into the other packs still resolve): N CI jobs, one per K, "
                             "together report what one run does (docs/sharding.md)")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the result cache (also: ATTUNE_LINT_NO_CACHE=1)")
    parser.add_argument("--cache-dir", metavar="DIR", default=None,
                        help="the result cache folder (default: .attune-lint-cache/ when it exists in the "
                             "current folder, else $XDG_CACHE_HOME/attune-lint)")
    parser.add_argument("--no-snippet", action="store_true", help="text format: no source line and caret")
    parser.add_argument("--quiet", "-q", action="store_true", help="text format: no closing summary")


def _codes(values: list[str]) -> tuple[str, ...]:
    return tuple(code.strip() for value in values for code in value.split(",") if code.strip())


class UsageError(Exception):
    """A bad flag value; printed as ``attune-lint: message`` with exit status 2."""


def settings_from_args(args: argparse.Namespace) -> Any:
    """The configuration file's settings (unless --no-config) overridden by the flags.

    Raises ``config.ConfigError`` for a bad configuration file and ``UsageError`` for a bad flag.
    """
    from dataclasses import replace

    # Imported only when used: a one-file check with --no-config reads no configuration.
    if getattr(args, "no_config", False):
        settings = Settings(origins={})
    else:
        from attune_lint.settings.file import load_settings

        config = getattr(args, "config", None)
        settings = load_settings(Path(config) if config else None)
    origins = dict(settings.origins)
    changes: dict[str, Any] = {}

    def flag(field: str, name: str, value: Any) -> None:
        changes[field] = value
        origins[field] = f"command line ({name})"

    for name, values in (("--select", args.select), ("--ignore", args.ignore)):
        for code in _codes(values):
            from attune_lint.rules.catalog import find_rule

            if find_rule(code) is None:
                raise UsageError(f"{name}: unknown rule code or name {code!r} (see 'attune-lint rules')")
    if args.fail_on:
        flag("fail_on", "--fail-on", Severity.parse(args.fail_on))
    if args.max_file_size is not None:
        flag("max_file_size", "--max-file-size", args.max_file_size)
    if args.select:
        flag("select", "--select", _codes(args.select))
    if args.ignore:
        flag("ignore", "--ignore", settings.ignore + _codes(args.ignore))
    if getattr(args, "exclude", None):
        flag("exclude", "--exclude", settings.exclude + tuple(args.exclude))
    for field in ("select", "ignore", "severity_overrides", "per_file_ignores", "exclude", "max_file_size",
                  "external_actions", "strict_external_actions", "fail_on"):
        origins.setdefault(field, "default")
    changes["origins"] = origins
    return replace(settings, **changes)


def use_colour(stream: Any) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR") is not None:
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def _error(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_USAGE


def _step_summary(result: Any) -> None:
    """The graphs of workflows with graph findings, appended to $GITHUB_STEP_SUMMARY when it is set."""
    from attune_lint.graph.summary import append_step_summary

    try:
        append_step_summary(result)
    except OSError as exc:  # the summary is a courtesy: never fail the check for it
        print(f"attune-lint: cannot append to $GITHUB_STEP_SUMMARY: {exc.strerror or exc}", file=sys.stderr)


def _settings(args: argparse.Namespace) -> Settings | int:
    """The run's settings from the configuration and the options (``check`` and ``fix``
    alike), or the exit status when there is nothing to run: a usage error, --show-config."""
    if args.max_file_size is not None and not 0 < args.max_file_size <= MAX_FILE_SIZE_SETTING:
        return _error(f"attune-lint: --max-file-size must be between 1 and {MAX_FILE_SIZE_SETTING} bytes")
    config_errors: tuple[type[Exception], ...] = ()  # with --no-config no file is read: nothing to catch
    if not getattr(args, "no_config", False):
        from attune_lint.settings.file import ConfigError

        config_errors = (ConfigError,)
    try:
        settings = settings_from_args(args)
    except config_errors as exc:
        return _error(str(exc))
    except UsageError as exc:
        return _error(f"attune-lint: {exc}")
    if args.show_config:
        from attune_lint.settings.file import describe

        print(describe(settings))
        return EXIT_OK
    return settings


def run(args: argparse.Namespace) -> int:
    if getattr(args, "fix", False) or getattr(args, "diff", False):
        return run_fix(args)
    from attune_lint.run import lint

    if args.jobs is not None and args.jobs < 1:
        return _error("attune-lint: --jobs must be at least 1")
    shard = None
    if getattr(args, "shard", None) is not None:
        from attune_lint.run.parallel import parse_shard

        try:
            shard = parse_shard(args.shard)
        except ValueError as exc:
            return _error(f"attune-lint: --shard: {exc}")
    settings = _settings(args)
    if not isinstance(settings, Settings):
        return settings  # an exit status: a usage error, or --show-config done

    # A mistyped path must not pass a CI job, not even with --exit-zero: it is a usage error
    # (exit 2), and the reports still list it (a test case of its own in JUnit).
    missing = [p for p in args.paths if not os.path.exists(p)]  # a dangling link too
    # ATTUNE_LINT_NO_CACHE set to anything but 0/empty bypasses the cache, as --no-cache does
    no_cache = args.no_cache or os.environ.get("ATTUNE_LINT_NO_CACHE", "") not in ("", "0")
    result = lint(args.paths or ["."], settings, jobs=args.jobs,
                  cache=None if no_cache else (args.cache_dir or True), keep_trees=False, shard=shard)
    status = report(args, result)
    if missing:
        return _error("attune-lint: no such file or folder: " + ", ".join(missing))
    return status


def report(args: argparse.Namespace, result: Any) -> int:
    """Baseline, reporters and exit status of a run's result (``check`` and ``fix``)."""
    from attune_lint.files import write_atomic
    from attune_lint.report import reporter, text

    accepted = False
    if args.write_baseline or args.baseline:
        status = _apply_baseline(args, result)
        if status is not None:
            return status
        accepted = bool(args.write_baseline)
    terminal = use_colour(sys.stdout)
    if args.output:
        try:
            write_atomic(Path(args.output), reporter(args.format).render_run(result) + "\n")
        except OSError as exc:
            return _error(f"attune-lint: cannot write {args.output}: {exc.strerror or exc}")
    if args.output or args.format == "text":
        report = text.render_run(result, terminal, snippet=not args.no_snippet, closing=not args.quiet)
        if report:
            print(report)
    else:
        print(reporter(args.format).render_run(result))
    # --format github, or any format with ATTUNE_LINT_STEP_SUMMARY=1 (docs/graph.md)
    if args.format == "github" or os.environ.get("ATTUNE_LINT_STEP_SUMMARY", "") not in ("", "0"):
        _step_summary(result)
    if not result.workspace.targets and not result.workspace.problems:
        print("attune-lint: no pack files found in " + ", ".join(args.paths or ["."]), file=sys.stderr)
    if accepted:
        return EXIT_OK
    return EXIT_FINDINGS if result.failed and not args.exit_zero else EXIT_OK


def _apply_baseline(args: argparse.Namespace, result: Any) -> int | None:
    """--write-baseline and --baseline (the module is imported only for them); the exit
    status of an error, else None."""
    from attune_lint.report import baseline as baseline_file

    try:
        if args.write_baseline:
            count = baseline_file.write(result.diagnostics, result.line_of, Path(args.write_baseline))
            print(f"attune-lint: recorded {count} finding{'s' if count != 1 else ''} in {args.write_baseline}",
                  file=sys.stderr)
        if args.baseline:
            outcome = baseline_file.apply(result.diagnostics, result.line_of, Path(args.baseline))
            result.diagnostics = outcome.new
            result.extra["baseline"] = {"hidden": outcome.hidden, "disappeared": outcome.disappeared}
    except baseline_file.BaselineError as exc:
        return _error(f"attune-lint: {exc}")
    except OSError as exc:
        return _error(f"attune-lint: cannot write baseline {args.write_baseline}: {exc.strerror or exc}")
    return None


def run_fix(args: argparse.Namespace) -> int:
    """``attune-lint fix`` and ``check --fix``/``--diff``: fix, write (or diff), report what remains."""
    try:
        import ruamel.yaml  # noqa: F401  (a dependency; only fixing needs it)
    except ImportError:
        return _error("attune-lint: fixing needs ruamel.yaml, a dependency of attune-lint that is not "
                      "installed here: pip install 'ruamel.yaml>=0.18'")
    from attune_lint.fix.engine import run_fixes, write

    for flag in ("baseline", "write_baseline"):
        if getattr(args, flag, None) and args.diff:
            return _error(f"attune-lint: --{flag.replace('_', '-')} does not go with --diff")
    settings = _settings(args)
    if not isinstance(settings, Settings):
        return settings  # an exit status: a usage error, or --show-config done
    missing = [p for p in args.paths if not os.path.exists(p)]
    if missing:
        return _error("attune-lint: no such file or folder: " + ", ".join(missing))
    outcome = run_fixes(args.paths or ["."], settings, unsafe=args.unsafe_fixes or args.diff)
    for display, why in outcome.not_fixed:
        print(f"attune-lint: {display}: not fixed: {why}", file=sys.stderr)
    changed = outcome.changed
    if args.diff:
        for entry in changed:
            sys.stdout.write(entry.diff())
        unsafe = [(e.display, d, spec) for e in changed for d, spec in e.applied if not spec.safe]
        for display, diagnostic, spec in unsafe:
            note = "" if args.unsafe_fixes else " (applied only with --unsafe-fixes)"
            print(f"attune-lint: {display}:{diagnostic.line}:{diagnostic.column}: unsafe fix for "
                  f"{diagnostic.code}: {spec.description}{note}", file=sys.stderr)
        count = len(changed)
        print(f"attune-lint: {count} file{'s' if count != 1 else ''} would be changed", file=sys.stderr)
        return EXIT_FINDINGS if changed else EXIT_OK
    failures = write(outcome)
    for display, why in failures:
        print(f"attune-lint: cannot write {display}: {why}", file=sys.stderr)
    written = len(changed) - len(failures)
    fixed = sum(len(e.applied) for e in changed if e.display not in dict(failures))
    print(f"attune-lint: fixed {fixed} finding{'s' if fixed != 1 else ''} in {written} "
          f"file{'s' if written != 1 else ''}", file=sys.stderr)
    if failures:
        return EXIT_USAGE
    return report(args, outcome.result)
