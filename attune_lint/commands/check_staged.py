"""``attune-lint check-staged``: lint pack files as the next commit (or a push) will hold them.

The plain git hooks in ``hooks/`` call this. It lists the pack files the commit touches,
writes the index's version of their packs into a temporary folder that mirrors the
repository, and runs ``check`` there, from the temporary root, so the printed paths read
like repository-relative paths. It accepts every option of ``check``. The configuration
file is the one ``check`` would find from the current folder (the working tree's copy).
"""
from __future__ import annotations

import argparse
import copy
import os
import sys
from pathlib import Path
from typing import Any
from attune_lint.exit_status import EXIT_OK, EXIT_USAGE

# check options naming files: made absolute before the run moves to the temporary folder.
PATH_OPTIONS = ("output", "config", "baseline", "write_baseline")


def _check_parser() -> argparse.ArgumentParser:
    """The ``check`` command's parser, borrowed so that both commands take the same options."""
    from attune_lint.commands import check

    holder = argparse.ArgumentParser(add_help=False)
    return check.add_parser(holder.add_subparsers())


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "check-staged", parents=[_check_parser()], conflict_handler="resolve",
        help="lint the staged content of staged pack files (git hooks)",
        description="Lint pack files as the next commit will hold them: the index's version of the packs "
                    "touched by staged files is written to a temporary folder and checked there, so a partially "
                    "staged file is checked as it will be committed. PATH limits the run to staged files below it. "
                    "Takes every option of 'check'.",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--commit", metavar="REV",
                        help="check the files REV changed (against --base, default its first parent), as REV holds them")
    source.add_argument("--pre-push", metavar="REMOTE", dest="pre_push",
                        help="read git's pre-push lines from standard input and check every pushed commit")
    parser.add_argument("--base", metavar="REV", help="with --commit: compare with REV instead of the first parent")
    parser.add_argument("--whole-packs", action="store_true",
                        help="lint every file of each touched pack, not only the changed files")
    parser.add_argument("--register", action="store_true",
                        help="after a clean lint, run 'register --dry-run' on the touched packs of the snapshot")
    parser.add_argument("--db", default="auto", metavar="auto|require|DSN",
                        help="with --register: the database (default: auto)")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from attune_lint.githooks import staged
    if args.base and not args.commit:
        print("attune-lint: --base needs --commit", file=sys.stderr)
        return EXIT_USAGE
    _absolute_path_options(args)
    _pin_config(args)
    try:
        root = staged.repository_root()
        if args.pre_push:
            return _run_pre_push(root, args)
        if args.commit:
            commit = _rev(root, args.commit)
            base = _rev(root, args.base) if args.base else _first_parent(root, commit)
            return _run_snapshot(root, commit, staged.commit_changes(root, base, commit), args)
        return _run_snapshot(root, None, staged.staged_changes(root), args)
    except (staged.GitError, ValueError) as exc:
        print(f"attune-lint: check-staged: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _absolute_path_options(args: argparse.Namespace) -> None:
    for name in PATH_OPTIONS:
        value = getattr(args, name, None)
        if isinstance(value, str) and value not in ("", "-"):
            setattr(args, name, os.path.abspath(value))


def _pin_config(args: argparse.Namespace) -> None:
    """Name the configuration file found from the current folder explicitly: the check runs
    in the temporary folder, where the search would find nothing, and a configuration may
    name files (action catalogs) relative to itself that only exist in the repository."""
    if getattr(args, "config", None) or getattr(args, "no_config", False) or not hasattr(args, "config"):
        return
    try:
        from attune_lint.settings.file import find_config
    except ImportError:  # pragma: no cover - a linter without configuration files
        return
    found = find_config(Path.cwd())
    if found is not None:
        args.config = str(found.resolve())


def _rev(root: Path, rev: str) -> str:
    from attune_lint.githooks.staged import git

    return git(root, "rev-parse", "--verify", "--end-of-options", f"{rev}^{{commit}}").decode().strip()


def _first_parent(root: Path, commit: str) -> str | None:
    from attune_lint.githooks.staged import GitError

    try:
        return _rev(root, f"{commit}^")
    except GitError:
        return None  # a root commit: everything in it is new


def _run_pre_push(root: Path, args: argparse.Namespace) -> int:
    from attune_lint.githooks import staged
    status = EXIT_OK
    for ref in staged.parse_pre_push(sys.stdin.read()):
        if ref.deletes:
            continue
        changed = staged.pushed_changes(root, args.pre_push, ref.local_sha, ref.remote_sha)
        if changed is None:
            continue
        print(f"attune-lint: checking {ref.local_ref} ({ref.local_sha[:12]}) for {ref.remote_ref}", file=sys.stderr)
        status = max(status, _run_snapshot(root, ref.local_sha, changed, args))
    return status


def _run_snapshot(root: Path, commit: str | None, changed: list[str], args: argparse.Namespace) -> int:
    """Write out the packs ``changed`` touches, as the index or ``commit`` holds them, and lint there."""
    from attune_lint.githooks import staged
    with staged.scratch_folder() as scratch:
        snapshot = staged.index_snapshot(root) if commit is None else staged.commit_snapshot(root, commit, scratch)
        work = staged.plan(snapshot, changed, _limits(root, args.paths), args.whole_packs)
        if work.empty:
            return EXIT_OK
        tree = scratch / "tree"
        tree.mkdir()
        staged.materialise(snapshot, work, tree)
        previous = os.getcwd()
        os.chdir(tree)
        try:
            status = _check(args, work.targets)
            if args.register and status == EXIT_OK:
                status = _register(work.pack_roots, args.db)
            return status
        finally:
            os.chdir(previous)


def _limits(root: Path, paths: list[str]) -> list[str]:
    """PATH arguments as repository-relative POSIX paths (they are given relative to the cwd)."""
    limits = []
    for path in paths:
        absolute = Path(os.path.abspath(path))
        try:
            limits.append(absolute.relative_to(root.resolve()).as_posix())
        except ValueError:
            try:
                limits.append(absolute.relative_to(root).as_posix())
            except ValueError:
                raise ValueError(f"{path} is outside the repository {root}") from None
    return limits


def _check(args: argparse.Namespace, targets: list[str]) -> int:
    from attune_lint.commands import check

    check_args = copy.copy(args)
    check_args.paths = targets
    return int(check.run(check_args))


def _register(pack_roots: list[str], db: str) -> int:
    import importlib

    try:
        importlib.import_module("attune_lint.commands.register")
    except ModuleNotFoundError as exc:
        if exc.name != "attune_lint.commands.register":
            raise
        print("attune-lint: this attune-lint has no 'register' command; cannot run the registration check",
              file=sys.stderr)
        return EXIT_USAGE
    from attune_lint.commands import register

    return register.run_argv(["--dry-run", "--db", db, *[root or "." for root in pack_roots]])
