"""Find pack roots and the files of a pack, from any mix of paths.

A pack root is a folder holding ``pack.yaml``. The files the platform reads are
``pack.yaml``, ``actions/*.y*ml`` (top level only), ``workflows/*.y*ml`` and
``actions/workflows/*.y*ml``, all non-recursive, regular files only (§1.3).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Literal

FileKind = Literal["pack", "action", "graph", "standalone", "unknown"]

MANIFEST = "pack.yaml"
YAML_SUFFIXES = (".yaml", ".yml")
# Folders never searched for packs: VCS data, virtual environments, caches.
SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv",
                          ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".attune-lint-cache"})


def is_yaml_name(name: str) -> bool:
    """``x.yaml`` or ``x.yml``; a bare ``.yaml`` has no extension at all (as Path.suffix
    says; on strings: a pack listing asks for every entry, and a Path each costs more)."""
    return name.endswith(YAML_SUFFIXES) and name.rfind(".") > 0


def workflow_name(file_name: str) -> str:
    """File stem with one trailing ``.workflow`` removed (``deploy.workflow.yaml`` → ``deploy``)."""
    stem = file_name.rsplit(".", 1)[0]
    return stem[: -len(".workflow")] if stem.endswith(".workflow") else stem


def looks_like_pack(folder: Path) -> bool:
    """A folder with ``pack.yaml``, or without one but with the layout of a pack
    (``actions/`` or ``workflows/`` holding YAML files): linted as a pack whose manifest
    is missing, so that an action and its graph are still checked together."""
    if (folder / MANIFEST).is_file():
        return True
    return any(_yaml_files(folder / sub) for sub in ("actions", "workflows"))


def find_pack_root(path: Path) -> Path | None:
    """The nearest folder at or above ``path`` that holds ``pack.yaml``; failing that, the
    folder whose ``actions/`` or ``workflows/`` holds the file."""
    # On the absolute path: "deploy.yaml" run from inside actions/ has no parents to climb,
    # and "pack/../x.yaml" must not be taken for a file of "pack".
    absolute = Path(os.path.abspath(path))
    current = absolute if absolute.is_dir() else absolute.parent
    for folder in (current, *current.parents):
        if (folder / MANIFEST).is_file():
            return _as_given(folder, path)
    depth = layout_depth(absolute.resolve().parts)
    return _as_given(absolute.parents[depth - 1], path) if depth is not None else None


def _as_given(found: Path, given: Path) -> Path:
    """``found`` relative to the current folder when ``given`` was relative."""
    return found if given.is_absolute() else Path(os.path.relpath(found))


def layout_depth(parts: tuple[str, ...]) -> int | None:
    """For a file's path parts, how many levels up its pack folder is by the pack layout
    alone (``actions/workflows/x`` → 3, ``actions/x`` or ``workflows/x`` → 2), or None.
    Shared by the disk lookup above and the git-index lookup of the hooks."""
    if len(parts) >= 4 and parts[-2] == "workflows" and parts[-3] == "actions":
        return 3
    if len(parts) >= 3 and parts[-2] in ("actions", "workflows"):
        return 2
    return None


def find_pack_roots(folder: Path, implicit: bool = True) -> list[Path]:
    """Every pack root at or below ``folder`` (a pack's own sub-folders are not searched);
    with ``implicit``, folders without ``pack.yaml`` that have a pack's layout count too."""
    roots: list[Path] = []
    for current, dirs, files in os.walk(folder):
        here = Path(current)
        if MANIFEST in files or (implicit and here.name not in ("actions", "workflows") and looks_like_pack(here)):
            roots.append(here)
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
    return sorted(roots)


def yaml_file_paths(folder: str) -> list[str]:
    """The YAML files directly in ``folder`` (regular files, symlinks followed), sorted by
    name; [] when it cannot be read. ``os.scandir``: no extra stat per entry."""
    try:
        with os.scandir(folder) as entries:
            found = [(e.name, e.path) for e in entries if is_yaml_name(e.name) and e.is_file()]
    except OSError:
        return []
    return [path for _name, path in sorted(found)]


def unreadable_folders(root: Path) -> list[tuple[Path, str]]:
    """The pack's folders the platform reads that exist but cannot be listed, with the
    reason: their files would otherwise be skipped without a word."""
    found = []
    for sub in ("actions", "workflows", os.path.join("actions", "workflows")):
        folder = root / sub
        try:
            with os.scandir(folder):
                pass
        except FileNotFoundError:
            continue
        except NotADirectoryError:
            found.append((folder, "it is not a folder"))
        except OSError as exc:
            found.append((folder, exc.strerror or str(exc)))
    return found


def _yaml_files(folder: Path) -> list[Path]:
    return [Path(p) for p in yaml_file_paths(str(folder))]


def classify(path: Path, pack_root: Path | None = None) -> FileKind:
    """What kind of Attune file ``path`` is, from where it stands: in its pack (the layout
    of §1.3, exactly), or, for a file outside any pack, by the folders it sits in."""
    if pack_root is None:
        return _kind_by_folders(path)
    try:
        relative = path.resolve().relative_to(pack_root.resolve())
    except ValueError:
        return "unknown"
    parts = relative.parts
    if parts == (MANIFEST,):
        return "pack"
    if len(parts) == 2 and parts[0] == "actions" and is_yaml_name(parts[1]):
        return "action"
    if len(parts) == 3 and parts[:2] == ("actions", "workflows") and is_yaml_name(parts[2]):
        return "graph"
    if len(parts) == 2 and parts[0] == "workflows" and is_yaml_name(parts[1]):
        return "standalone"
    return "unknown"


def _kind_by_folders(path: Path) -> FileKind:
    if path.name == MANIFEST:
        return "pack"
    if path.parent.name == "workflows":
        return "graph" if path.parent.parent.name == "actions" else "standalone"
    if path.parent.name == "actions":
        return "action"
    return "unknown"


def classify_content(keys: set[str], file_name: str) -> FileKind:
    """For a file whose place says nothing (``unknown``): the kind its top-level keys show,
    so that a loose example file is still validated against the right schema."""
    if "tasks" in keys:
        return "standalone" if "ref" in keys else "graph"
    if keys & {"workflow_file", "runner_type", "entry_point"}:
        return "action"
    if file_name == MANIFEST:
        return "pack"
    return "unknown"


@dataclass
class PackFiles:
    """The files of one pack root, by kind."""

    root: Path
    manifest: Path
    actions: list[Path] = field(default_factory=list)
    standalone: list[Path] = field(default_factory=list)
    graphs: list[Path] = field(default_factory=list)

    @classmethod
    def scan(cls, root: Path) -> "PackFiles":
        listing = PackListing.scan(root)
        return cls(
            root=root,
            manifest=root / MANIFEST,
            actions=[Path(p) for p in listing.actions],
            standalone=[Path(p) for p in listing.standalone],
            graphs=[Path(p) for p in listing.graphs],
        )

    def all_files(self) -> list[Path]:
        return [self.manifest, *self.actions, *self.standalone, *self.graphs]


@dataclass
class PackListing:
    """``PackFiles`` as plain strings, read with ``os.scandir`` (no stat per file:
    the cache lists every pack on every run, and pathlib would cost more than the lookups)."""

    manifest: str
    actions: list[str]
    standalone: list[str]
    graphs: list[str]

    @classmethod
    def scan(cls, root: Path) -> "PackListing":
        base = str(root)
        manifest = os.path.join(base, MANIFEST)
        return cls(manifest, yaml_file_paths(os.path.join(base, "actions")),
                   yaml_file_paths(os.path.join(base, "workflows")),
                   yaml_file_paths(os.path.join(base, "actions", "workflows")))

    def all_files(self) -> list[str]:
        return [self.manifest, *self.actions, *self.standalone, *self.graphs]


@dataclass
class Selection:
    """What a run checks: per pack root, all its files or only some; plus lone files."""

    packs: dict[Path, set[Path] | None] = field(default_factory=dict)  # None = every file
    lone_files: list[Path] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)


def select(paths: Iterable[Path | str]) -> Selection:
    """Sort the given paths into packs (whole or partial) and files outside any pack."""
    selection = Selection()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            selection.missing.append(path)
            continue
        if path.is_dir():
            # Walking down, only pack.yaml makes a pack: a repository's CI 'workflows/'
            # folders are not Attune packs. A folder named on the command line that has a
            # pack's layout is one, though, even without its manifest.
            root = path if (path / MANIFEST).is_file() else None
            roots = [root] if root else find_pack_roots(path, implicit=False)
            if not roots and looks_like_pack(path) and path.name not in ("actions", "workflows"):
                roots = [path]
            if not roots:
                enclosing = find_pack_root(path)
                if enclosing is not None:  # a folder inside a pack: its YAML files
                    files = [p for p in sorted(path.rglob("*")) if is_yaml_name(p.name) and p.is_file()]
                    _add_files(selection, enclosing, files)
                else:  # loose files (examples, snippets): the folder's own YAML files
                    selection.lone_files.extend(_yaml_files(path))
                continue
            for found in roots:
                selection.packs[Path(os.path.normpath(found))] = None
            continue
        enclosing = find_pack_root(path)
        if enclosing is None:
            selection.lone_files.append(path)
        else:
            _add_files(selection, enclosing, [path])
    return selection


def _add_files(selection: Selection, root: Path, files: list[Path]) -> None:
    root = Path(os.path.normpath(root))
    if root in selection.packs and selection.packs[root] is None:
        return
    chosen = selection.packs.setdefault(root, set())
    assert chosen is not None
    chosen.update(files)
