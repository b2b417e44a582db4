"""``attune-lint install-hooks``: install the plain git hooks into a repository.

The hook scripts are kept here, so that an installed attune-lint (a wheel has no top-level
``hooks/`` folder) can write them; ``hooks/`` in the source tree holds the same text for
people who copy or point ``core.hooksPath`` at it (a test keeps the two equal). The scripts
are thin: POSIX sh that finds attune-lint and calls ``attune-lint check-staged``.
"""
from __future__ import annotations

import argparse
import os
import stat
import sys
from pathlib import Path
from typing import Any
from attune_lint.exit_status import EXIT_OK, EXIT_USAGE

MARKER = "attune-lint-hook:"  # a hook file holding this line is ours and may be replaced

_FIND_COMMAND = r"""
# Which attune-lint to run: $ATTUNE_LINT, else `git config attune-lint.command`, else
# attune-lint on PATH, else a Python that can import attune_lint.
attune_lint_command() {
    if [ -n "${ATTUNE_LINT:-}" ]; then
        printf '%s\n' "$ATTUNE_LINT"
        return 0
    fi
    configured=$(git config --get attune-lint.command 2>/dev/null || true)
    if [ -n "$configured" ]; then
        printf '%s\n' "$configured"
        return 0
    fi
    if command -v attune-lint >/dev/null 2>&1; then
        printf '%s\n' attune-lint
        return 0
    fi
    for python in python3 python; do
        if command -v "$python" >/dev/null 2>&1 && "$python" -c 'import attune_lint' >/dev/null 2>&1; then
            printf '%s\n' "$python -m attune_lint"
            return 0
        fi
    done
    return 1
}

if ! cmd=$(attune_lint_command); then
    echo "attune-lint hook: attune-lint is not installed (pip install attune-lint), or set ATTUNE_LINT;" >&2
    echo "attune-lint hook: to skip this check once, use --no-verify" >&2
    exit 1
fi
# Extra options for the check, e.g. git config attune-lint.args "--fail-on warning".
args=$(git config --get attune-lint.args 2>/dev/null || true)
"""

HOOKS: dict[str, str] = {
    "pre-commit": r"""#!/bin/sh
# attune-lint-hook: pre-commit
# Lints the staged content of the staged Attune pack files (pack.yaml, actions/, workflows/):
# a partially staged file is checked as it will be committed, not as it is on disk.
# Installed by `attune-lint install-hooks`; see docs/hooks.md. Skip once: git commit --no-verify.
""" + _FIND_COMMAND + r"""
# Word splitting of $cmd and $args is wanted: they hold a command and its options.
# shellcheck disable=SC2086
exec $cmd check-staged $args
""",
    "pre-push": r"""#!/bin/sh
# attune-lint-hook: pre-push
# Lints the pack files changed by the pushed commits, as those commits hold them. With
# `git config attune-lint.register true` (or ATTUNE_LINT_REGISTER=1) it also proves that the
# touched packs register: `register --dry-run` in a rolled-back transaction, on the database
# named by `git config attune-lint.db` or ATTUNE_LINT_DB (auto | require | a DSN; default auto).
# Installed by `attune-lint install-hooks`; see docs/hooks.md. Skip once: git push --no-verify.
remote=${1:-origin}
""" + _FIND_COMMAND + r"""
register=${ATTUNE_LINT_REGISTER:-}
if [ -z "$register" ]; then
    register=$(git config --bool --get attune-lint.register 2>/dev/null || true)
fi
case "$register" in
    1 | true | yes | on)
        db=${ATTUNE_LINT_DB:-$(git config --get attune-lint.db 2>/dev/null || true)}
        set -- --register --db "${db:-auto}"
        ;;
    *)
        set --
        ;;
esac
# git gives the pushed refs on standard input; check-staged reads them.
# shellcheck disable=SC2086
exec $cmd check-staged --pre-push "$remote" $args "$@"
""",
}


def hook_text(name: str) -> str:
    """The script installed as hook ``name``."""
    return HOOKS[name]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "install-hooks", help="install the plain git hooks (pre-commit, pre-push) into a repository",
        description="Install attune-lint's plain git hooks, for repositories that do not use the pre-commit "
                    "framework. By default the scripts are written into the repository's hooks folder "
                    "(git rev-parse --git-path hooks). With --hooks-path DIR they are written into DIR "
                    "(a folder you can commit) and core.hooksPath is pointed at it. A hook that attune-lint "
                    "did not write is never replaced without --force (it is then kept as NAME.orig).",
    )
    parser.add_argument("--hook", action="append", choices=sorted(HOOKS), default=[], dest="hooks",
                        help="install only this hook (repeatable; default: all)")
    parser.add_argument("--hooks-path", metavar="DIR",
                        help="write the hooks into DIR (relative to the repository root) and set core.hooksPath to it")
    parser.add_argument("--force", action="store_true",
                        help="replace hooks attune-lint did not write (kept as NAME.orig), or another core.hooksPath")
    parser.add_argument("--repo", metavar="DIR", default=".", help="repository to install into (default: .)")
    parser.set_defaults(run=run)
    return parser


def is_ours(path: Path) -> bool:
    """Whether ``path`` is a hook attune-lint wrote."""
    from attune_lint.files import read_regular

    try:  # bounded, regular files only: a hook may be a link to anything
        return MARKER in read_regular(path, 1024 * 1024).decode("utf-8", errors="replace")
    except OSError:
        return False


def run(args: argparse.Namespace) -> int:
    from attune_lint.githooks.staged import GitError, git, repository_root

    try:
        root = repository_root(Path(args.repo))
        if args.hooks_path:
            target = (root / args.hooks_path).resolve()
            current = _configured_hooks_path(root)
            if current and (root / current).resolve() != target and not args.force:
                print(f"attune-lint: core.hooksPath is already {current!r}; its hooks would stop running. "
                      f"Use --force to point it at {args.hooks_path!r} anyway.", file=sys.stderr)
                return EXIT_USAGE
        else:
            hooks_dir = git(root, "rev-parse", "--git-path", "hooks").decode().strip()
            target = (root / hooks_dir).resolve()
    except GitError as exc:
        print(f"attune-lint: install-hooks: {exc}", file=sys.stderr)
        return EXIT_USAGE
    names = args.hooks or sorted(HOOKS)
    foreign = [name for name in names if (target / name).exists() and not is_ours(target / name)]
    if foreign and not args.force:
        for name in foreign:
            print(f"attune-lint: {target / name} exists and was not written by attune-lint; not replaced "
                  f"(use --force to replace it; it is kept as {name}.orig)", file=sys.stderr)
        return EXIT_USAGE
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        path = target / name
        if name in foreign:
            backup = path.with_name(name + ".orig")
            os.replace(path, backup)
            print(f"attune-lint: kept the previous {name} hook as {backup}")
        write_hook(path, hook_text(name))
        print(f"attune-lint: installed {path}")
    if args.hooks_path:
        relative = os.path.relpath(target, root)
        try:
            git(root, "config", "core.hooksPath", relative)
        except GitError as exc:
            print(f"attune-lint: install-hooks: {exc}", file=sys.stderr)
            return EXIT_USAGE
        print(f"attune-lint: core.hooksPath = {relative}")
    return EXIT_OK


def _configured_hooks_path(root: Path) -> str:
    """The repository's core.hooksPath, '' when unset."""
    from attune_lint.githooks.staged import GitError, git

    try:
        return git(root, "config", "--get", "core.hooksPath").decode().strip()
    except GitError:
        return ""  # git config exits 1 when the key is unset


def write_hook(path: Path, text: str) -> None:
    """Write an executable hook script (LF line ends, as sh needs). A hook that is a
    symbolic link is replaced by the script, never written through: the link could lead to
    any file outside the repository."""
    if path.is_symlink():
        path.unlink()
    path.write_bytes(text.encode("utf-8"))
    mode = path.stat().st_mode
    path.chmod(mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH | stat.S_IRUSR)
