"""Git snapshots for the hooks: what a commit or a push will actually contain.

A plain git hook must lint the *staged* content (or, before a push, the pushed commits), not
the working tree: a partially staged file is committed as it is in the index. This module
lists the pack files a commit or push touches, finds their packs *in the snapshot* (not on
disk), and writes those packs into a temporary folder that mirrors the repository layout, so
that the ordinary linter can run there with repository-relative paths.

Everything goes through ``git`` subprocesses with ``-z`` output, so unusual file names are
safe; a commit snapshot is read through a throwaway index file (``read-tree``) so that both
sources share one code path (``checkout-index``).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator, Mapping

from attune_lint.workspace.discovery import MANIFEST, layout_depth

# Pack files a hook reacts to; ``.pre-commit-hooks.yaml`` repeats these two patterns (a test
# keeps them equal). The exclusion mirrors discovery: hidden folders (.github/workflows is a
# CI folder, not a pack), virtual environments and caches are never packs.
# (?s) and \Z: a file name may hold a newline, and must neither hide a pack file from the
# hooks nor pass for one with a trailing newline after ".yaml".
PACK_FILE_PATTERN = r"(?s)(^|/)(pack\.yaml|(actions|workflows)/.+\.ya?ml)\Z"
EXCLUDE_PATTERN = r"(^|/)(\.[^/]*|node_modules|venv|__pycache__)/"
_PACK_FILE = re.compile(PACK_FILE_PATTERN)
_EXCLUDED = re.compile(EXCLUDE_PATTERN)

ZERO_SHA = re.compile(r"^0+$")
GITLINK_MODE = "160000"


class GitError(RuntimeError):
    """A git command failed; the message carries git's own words."""


def git(root: Path, *args: str, env: Mapping[str, str] | None = None, stdin: bytes | None = None) -> bytes:
    """Run ``git args`` in ``root`` and return its raw standard output."""
    completed = subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True,
                               env=None if env is None else {**os.environ, **env})
    if completed.returncode != 0:
        message = completed.stderr.decode(errors="replace").strip()
        raise GitError(f"git {' '.join(args)}: {message or 'exit status ' + str(completed.returncode)}")
    return completed.stdout


def _nul_split(output: bytes) -> list[str]:
    return [item for item in output.decode("utf-8", "surrogateescape").split("\0") if item]


def repository_root(cwd: Path | None = None) -> Path:
    """Top folder of the work tree holding ``cwd``."""
    out = git(cwd or Path.cwd(), "rev-parse", "--show-toplevel")
    return Path(out.decode("utf-8", "surrogateescape").strip())


def is_pack_file(path: str) -> bool:
    """Whether a repository-relative path is one the hooks lint (see PACK_FILE_PATTERN)."""
    return bool(_PACK_FILE.search(path)) and not _EXCLUDED.search(path)


@dataclass
class Snapshot:
    """The files of one git source: the index (``commit is None``) or a commit's tree.

    ``index_env`` points git at the index to read: empty for the real index (which also keeps
    a ``GIT_INDEX_FILE`` that git set for the hook, as ``git commit -a`` does), or a throwaway
    index filled from the commit.
    """

    root: Path
    commit: str | None
    index_env: dict[str, str] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)  # repository-relative, POSIX, gitlinks left out

    def contains(self, path: str) -> bool:
        return path in self.files


@dataclass
class Plan:
    """What one hook run lints: the packs to write out and the files to name on the command line."""

    pack_roots: list[str]      # repository-relative ('' is the repository root itself)
    targets: list[str]         # repository-relative paths given to the linter

    @property
    def empty(self) -> bool:
        return not self.targets


def index_snapshot(root: Path) -> Snapshot:
    return _fill(Snapshot(root, None))


def commit_snapshot(root: Path, commit: str, scratch: Path) -> Snapshot:
    """The tree of ``commit``, through an index file kept in ``scratch``."""
    env = {"GIT_INDEX_FILE": str(scratch / "attune-lint.index")}
    git(root, "read-tree", commit, env=env)
    return _fill(Snapshot(root, commit, env))


def _fill(snapshot: Snapshot) -> Snapshot:
    out = git(snapshot.root, "ls-files", "--stage", "-z", env=snapshot.index_env)
    for entry in _nul_split(out):
        meta, _, path = entry.partition("\t")
        mode, _sha, stage = meta.split(" ")
        if stage == "0" and mode != GITLINK_MODE:
            snapshot.files.add(path)
    return snapshot


def staged_changes(root: Path) -> list[str]:
    """Paths the next commit adds, modifies or deletes (renames as delete + add)."""
    out = git(root, "diff", "--cached", "--name-only", "--no-renames", "-z", "--diff-filter=ACMRTD")
    return _nul_split(out)


def empty_tree(root: Path) -> str:
    return git(root, "hash-object", "-t", "tree", "--stdin", stdin=b"").decode().strip()


def commit_changes(root: Path, base: str | None, commit: str) -> list[str]:
    """Paths that differ between ``base`` (None: the empty tree) and ``commit``."""
    out = git(root, "diff", "--name-only", "--no-renames", "-z", base or empty_tree(root), commit)
    return _nul_split(out)


def pushed_changes(root: Path, remote: str, local_sha: str, remote_sha: str) -> list[str] | None:
    """Paths a push of ``local_sha`` over ``remote_sha`` changes; None when nothing new is pushed.

    A known ``remote_sha`` gives a plain diff. A new branch (zero sha, or a sha this clone does
    not have) is compared with every boundary commit the remote already has; with no boundary
    (the first push of a history) every file counts as changed.
    """
    if not ZERO_SHA.match(remote_sha) and _has_commit(root, remote_sha):
        return commit_changes(root, remote_sha, local_sha)
    listing = git(root, "rev-list", "--boundary", local_sha, "--not", f"--remotes={remote}").decode().split()
    new = [c for c in listing if not c.startswith("-")]
    if not new:
        return None
    boundaries = [c[1:] for c in listing if c.startswith("-")]
    if not boundaries:
        return commit_changes(root, None, local_sha)
    changed: dict[str, None] = {}
    for boundary in boundaries:
        changed.update(dict.fromkeys(commit_changes(root, boundary, local_sha)))
    return list(changed)


def _has_commit(root: Path, sha: str) -> bool:
    try:
        git(root, "cat-file", "-e", f"{sha}^{{commit}}")
    except GitError:
        return False
    return True


def pack_root_of(path: str, files: set[str]) -> str | None:
    """The pack folder of ``path`` in a snapshot: the nearest folder holding ``pack.yaml``,
    else (a pack without a manifest) the folder whose ``actions/`` or ``workflows/`` holds it.
    Mirrors ``discovery.find_pack_root``, but on the snapshot's file list, not the disk."""
    parents = list(PurePosixPath(path).parents)  # nearest first; ends with '.'
    for folder in parents:
        candidate = MANIFEST if str(folder) == "." else f"{folder}/{MANIFEST}"
        if candidate in files:
            return "" if str(folder) == "." else str(folder)
    parts = PurePosixPath(path).parts
    depth = layout_depth(("", *parts))  # a repository-relative path: its root is a folder too
    return "/".join(parts[:-depth]) if depth is not None else None


def _under(path: str, folder: str) -> bool:
    return folder == "" or path == folder or path.startswith(folder + "/")


def plan(snapshot: Snapshot, changed: Iterable[str], limit_to: Iterable[str] = (),
         whole_packs: bool = False) -> Plan:
    """Decide which packs to write out and which files to lint for ``changed`` paths.

    Changed files that still exist are linted (the linter adds the workflows a changed action
    links). A pack that lost a file (deleted or renamed away) is linted whole: what referred
    to the file is what breaks. ``limit_to`` keeps only changes under those folders or files.
    """
    limits = [p.strip("/") for p in limit_to if p.strip("/") not in ("", ".")]
    roots: dict[str, None] = {}
    targets: dict[str, None] = {}
    whole: set[str] = set()
    for path in changed:
        if not is_pack_file(path) or (limits and not any(_under(path, lim) for lim in limits)):
            continue
        root = pack_root_of(path, snapshot.files)
        if root is None:
            continue
        roots[root] = None
        if not snapshot.contains(path) or whole_packs:
            whole.add(root)
        else:
            targets[path] = None
    for root in whole:
        if any(snapshot.contains(f) and is_pack_file(f) and _under(f, root) for f in snapshot.files):
            targets[root or "."] = None
    for root in list(roots):
        if not any(_under(f, root) for f in snapshot.files):
            del roots[root]  # the whole pack was deleted: nothing left to lint
    # A pack linted whole needs none of its files named again; a deleted pack needs nothing.
    kept = [t for t in targets
            if t == "." or t in whole or (any(_under(t, r) for r in roots) and not any(_under(t, w) for w in whole))]
    return Plan(sorted(roots), sorted(kept, key=lambda t: (t.count("/"), t)))


def materialise(snapshot: Snapshot, work_plan: Plan, dest: Path) -> None:
    """Write every file of the planned packs (scripts too: checks may look for an action's
    entry point), as the snapshot has them, below ``dest``."""
    paths = {f for f in snapshot.files if any(_under(f, root) for root in work_plan.pack_roots)}
    if not paths:
        return
    payload = b"".join(p.encode("utf-8", "surrogateescape") + b"\0" for p in sorted(paths))
    prefix = str(dest).rstrip(os.sep) + os.sep
    git(snapshot.root, "checkout-index", "--force", f"--prefix={prefix}", "-z", "--stdin",
        env=snapshot.index_env, stdin=payload)


@dataclass
class PushedRef:
    """One line git gives a pre-push hook on standard input."""

    local_ref: str
    local_sha: str
    remote_ref: str
    remote_sha: str

    @property
    def deletes(self) -> bool:
        return bool(ZERO_SHA.match(self.local_sha))


def parse_pre_push(text: str) -> list[PushedRef]:
    """``<local ref> <local sha> <remote ref> <remote sha>`` lines; malformed lines are errors."""
    refs = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        fields = line.split()
        if len(fields) != 4:
            raise ValueError(f"pre-push input line {number} has {len(fields)} fields, expected 4: {line!r}")
        refs.append(PushedRef(*fields))
    return refs


@contextmanager
def scratch_folder() -> Iterator[Path]:
    """A temporary folder removed afterwards, whatever happens inside."""
    folder = Path(tempfile.mkdtemp(prefix="attune-lint-staged-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
