"""Which files the plugin collects, and the once-per-session lint of each pack.

The session state lives on ``config.stash`` (never in a module global) so that two
pytest runs in one process (pytester's in-process runs) never share a cache.
Nothing here imports the linter at module level, not even ``attune_lint.workspace.discovery``
for its file-name constants: the plugin is loaded in every pytest run of the user's
environment and must stay cheap while disabled.
"""
from __future__ import annotations

import functools
import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_attune.kinds import FileRole, ItemKind

if TYPE_CHECKING:
    from attune_lint.diagnostics import Diagnostic
    from attune_lint.workspace.pack import LoadedWorkflow, Pack
    from attune_lint.run.runner import RunResult
    from attune_lint.settings.record import Settings

def norm(path: Path | str) -> Path:
    """An absolute, normalised path (symlinks kept, as the linter keeps them)."""
    return Path(os.path.normpath(os.path.abspath(path)))


def file_key(path: Path | str) -> str:
    """``norm(path)`` as text: how a ``PackCheck`` keys its files. A session holds a few
    keys per file of every pack; a string is a fraction of a ``Path`` (which also keeps
    its parts), and that is memory that grows with the number of packs."""
    return os.path.normpath(os.path.abspath(path))


@dataclass
class PackCheck:
    """The lint of one pack root, and its findings sorted by file.

    It keeps diagnostics, refs and the source lines of findings, never trees: the run
    checked one pack at a time. The loaded pack and workflows (for the register items and
    the fixtures) are read again on first use, one pack at a time per session (``slot``).
    Its files are keyed by ``file_key`` (text, one shared string per file); the methods
    take a ``Path`` or a string.
    """

    root: Path
    name: str
    result: RunResult | None = None
    error: str | None = None  # the linter raised: a bug, shown on every item of the pack
    by_file: dict[str, list[Diagnostic]] = field(default_factory=dict)  # per item-carrying file
    own: dict[str, list[Diagnostic]] = field(default_factory=dict)  # per file, as reported
    action_refs: dict[str, str] = field(default_factory=dict)
    workflow_refs: dict[str, tuple[str, ...]] = field(default_factory=dict)  # per workflow file, sorted
    pack_hosts: list[str] = field(default_factory=list)  # files that carry pack-level findings
    checked: set[str] | None = None  # files the run checked (None: unknown, the lint failed)
    in_shard: bool = True  # False: another shard's pack (--attune-shard): no items here
    # The session's one loaded pack: {"root": Path, "pack": Pack | None, "workflows": {...}}.
    slot: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def is_checked(self, path: Path | str) -> bool:
        """False for files the project's ``exclude`` setting leaves out: they get no item."""
        return self.checked is None or file_key(path) in self.checked

    def findings(self, path: Path | str, own: bool = False) -> list[Diagnostic]:
        """The findings an item of ``path`` carries; ``own``: only those reported on it."""
        return list((self.own if own else self.by_file).get(file_key(path), ()))

    def refs(self, path: Path | str) -> tuple[str, ...]:
        """The refs of the workflow file ``path``, sorted: the one tuple its items share."""
        return self.workflow_refs.get(file_key(path), ())

    def action_ref(self, path: Path | str) -> str | None:
        """The ref of the action file ``path`` (None: not an action file, or no ref)."""
        return self.action_refs.get(file_key(path))

    @functools.cached_property
    def mark(self) -> pytest.MarkDecorator:
        """``attune_pack(name=...)``, one object shared by the pack's items."""
        return pytest.mark.attune_pack(name=self.name)

    @functools.cached_property
    def pack_property(self) -> tuple[str, str]:
        """``("attune_pack", name)``, one tuple shared by the pack's items (pytest copies the
        item's ``user_properties`` into each of its reports, and keeps every report)."""
        return ("attune_pack", self.name)

    def line_of(self, path: str, line: int) -> str:
        """Source text of ``line`` in the file shown as ``path``: the run answers for the
        lines its findings point at (``RunResult.forget_files``); any other line (a
        registration error's) comes from this pack's documents while they are loaded, as
        they are for a register item."""
        text = self.result.line_of(path, line) if self.result is not None else ""
        if text or self.slot.get("root") != self.root:
            return text
        for workflows in self.slot["workflows"].values():
            for workflow in workflows:
                source = workflow.document.source
                if workflow.document.path == path and source is not None:
                    return source.line_text(line)
        return ""

    # -- the loaded pack, read again on demand -------------------------------------------

    @property
    def workflows(self) -> dict[Path, list[LoadedWorkflow]]:
        """The pack's loaded workflows by file, with the run's findings."""
        return self._loaded()["workflows"]

    @property
    def pack(self) -> Pack | None:
        """The loaded pack (None when the lint failed)."""
        return self._loaded()["pack"]

    def _loaded(self) -> dict[str, Any]:
        if self.slot.get("root") == self.root:
            return self.slot
        self.slot.clear()  # the previous pack's trees go before this one's are read
        loaded: dict[str, Any] = {"root": self.root, "pack": None,
                                  "workflows": {Path(p): [] for p in self.workflow_refs}}
        if self.result is not None and self.error is None:
            from attune_lint.workspace.pack import LoaderConfig
            from attune_lint.workspace.workspace import load_paths

            workspace = load_paths([self.root], LoaderConfig(max_file_size=self.result.settings.max_file_size))
            loaded["pack"] = next((p for p in workspace.packs if norm(p.root) == self.root), None)
            for workflow in workspace.workflows:
                path = norm(workflow.file.path)
                if self.is_checked(path):
                    # what the run's checker stored on it: the file's findings as reported
                    workflow.findings = self.findings(path, own=True)
                loaded["workflows"].setdefault(path, []).append(workflow)
        self.slot.update(loaded)
        return self.slot


def lint_packs(roots: list[Path], settings: Settings, slot: dict[str, Any] | None = None,
               shard: tuple[int, int] | None = None) -> dict[Path, PackCheck]:
    """Lint ``roots`` in one run, as ``attune-lint check`` does, and give each pack its
    share of the findings.

    One run for packs that sit side by side keeps the checks across packs (a task
    calling another pack's action). If the linter crashes, each pack is tried alone so
    that only the pack that trips it fails. The run checks one pack at a time and keeps
    no trees (memory bounded by the largest pack, not by the session).
    """
    from attune_lint.run.runner import lint

    slot = {} if slot is None else slot
    roots = [norm(root) for root in roots]
    try:
        result = lint(roots, settings, keep_trees=False, shard=shard)
    except Exception:  # noqa: BLE001 - a linter bug must fail the pack's items, not collection
        if len(roots) > 1:
            return {root: check for one in roots
                    for root, check in lint_packs([one], settings, slot, shard).items()}
        return {roots[0]: _crashed(roots[0], traceback.format_exc(), slot)}
    checks = {root: _pack_share(root, result, slot) for root in roots}
    if shard is not None:  # a pack the run did not check belongs to another shard
        outlined = {norm(outline.root) for outline in result.outlines}
        for root, check in checks.items():
            check.in_shard = root in outlined
    # Each pack's share holds what its items need: the session keeps the result for its
    # diagnostics' lines, not its records of every file.
    result.forget_files()
    return checks


def _hosts(root: Path) -> list[str]:
    from attune_lint.workspace.discovery import PackFiles

    files = PackFiles.scan(root)
    return [file_key(files.manifest)] if files.manifest.is_file() else [file_key(p) for p in files.actions]


def _crashed(root: Path, error: str, slot: dict[str, Any]) -> PackCheck:
    from attune_lint.workspace.discovery import PackFiles

    files = PackFiles.scan(root)
    check = PackCheck(root=root, name=root.name, error=error, pack_hosts=_hosts(root), slot=slot)
    check.workflow_refs = {file_key(p): () for p in (*files.standalone, *files.graphs)}
    return check


def _pack_share(root: Path, result: RunResult, slot: dict[str, Any]) -> PackCheck:
    """The findings of the files below ``root``, sorted onto the files that get items.

    Workflow files keep their own findings. Every other finding (pack.yaml, action
    files, cross-file findings on files without an item) goes to the pack's host file:
    ``pack.yaml``, or for a pack without a manifest each action file takes its own and
    the first one takes the rest.
    """
    check = PackCheck(root=root, name=root.name, result=result, pack_hosts=_hosts(root), slot=slot)
    cwd = Path.cwd()  # the linter shows paths relative to it
    below = str(root).rstrip(os.sep) + os.sep
    by_display = {target.display: file_key(target.path) for target in result.workspace.targets}
    check.checked = {path for path in by_display.values() if path.startswith(below)}
    # One string per file, whichever record names it.
    shared = {path: path for path in check.checked}

    def key(path: Path | str) -> str:
        text = file_key(path)
        return shared.setdefault(text, text)

    refs: dict[str, set[str]] = {}
    for outline in result.outlines:
        if norm(outline.root) == root:
            check.name = outline.ref
            check.action_refs = {key(path): ref for path, ref in outline.actions}
            for path, ref in outline.workflows:
                refs.setdefault(key(path), set()).add(ref)
    check.workflow_refs = {path: tuple(sorted(found)) for path, found in refs.items()}
    fallback = check.pack_hosts[0] if check.pack_hosts else (min(check.workflow_refs) if check.workflow_refs else None)
    for diagnostic in result.diagnostics:
        path = by_display.get(diagnostic.path) or key(cwd / diagnostic.path)
        if not path.startswith(below):
            continue
        check.own.setdefault(path, []).append(diagnostic)
        if path not in check.workflow_refs and path not in check.pack_hosts:
            path = fallback
        if path is not None:
            check.by_file.setdefault(path, []).append(diagnostic)
    return check


def _below(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


class AttuneSession:
    """Per-run state: switch, configured roots, settings, item kinds and the lint cache."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.enabled = bool(config.getoption("attune_packs", False)) or _ini_bool(config, "attune_packs_enabled")
        self.configured = [norm(config.rootpath / p) for p in config.getini("attune_packs")]
        self._settings: Settings | None = None
        self.settings_note = ""
        self.checks: dict[Path, PackCheck] = {}
        self.loaded_slot: dict[str, Any] = {}  # the one pack whose trees are loaded (PackCheck.slot)
        self.roots: dict[Path, Path] = {}  # each pack root's one Path object
        self.marks: dict[str, pytest.MarkDecorator] = {"attune": pytest.mark.attune}  # shared by the items
        self.shard = _shard_option(config)
        self.item_kinds: list[ItemKind] = []
        self.collected = 0  # our items collected (here, or by an xdist worker)

    # -- configuration -----------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = self._load_settings()
        return self._settings

    def _load_settings(self) -> Settings:
        raw = self.config.getini("attune_lint_config")
        config_file = norm(self.config.rootpath / raw) if raw else None
        try:
            from attune_lint.settings.file import load_settings
        except ModuleNotFoundError as exc:
            if exc.name != "attune_lint.settings.file":
                raise
            from attune_lint.settings.record import Settings

            self.settings_note = "attune_lint.settings.file not available: default settings"
            return Settings()
        try:
            return load_settings(config_file=config_file, start=self.config.rootpath)
        except Exception as exc:  # noqa: BLE001 - any configuration problem is a usage error
            raise pytest.UsageError(f"attune-lint configuration: {exc}") from exc

    # -- which files are ours ----------------------------------------------------------

    def pack_root_of(self, file_path: Path) -> Path | None:
        """The pack root whose item ``file_path`` would carry, or None when not ours.

        Below the collected paths a pack needs its ``pack.yaml`` (so that unrelated
        ``workflows/`` folders in a repository are never collected); inside a configured
        ``attune_packs`` root the linter's implicit packs (no manifest) count too.
        """
        from attune_lint.workspace.discovery import find_pack_root

        root = find_pack_root(file_path)
        if root is None:
            return None
        root = norm(root)
        if not self._is_pack(root):
            return None
        # One Path per pack for all its file collectors (each would otherwise keep its own).
        return self.roots.setdefault(root, root)

    def _configured_covers(self, path: Path) -> bool:
        return any(path == c or c in path.parents for c in self.configured)

    def role_of(self, file_path: Path, named: bool = False) -> tuple[FileRole, Path] | None:
        """Cheap test run on every file pytest visits: is it a workflow or a pack host?
        ``named``: the file was named on the command line (an action file then gets its
        own item rather than pytest's "found no collectors")."""
        from attune_lint.workspace.discovery import MANIFEST, YAML_SUFFIXES, classify

        if not file_path.name.endswith(YAML_SUFFIXES):
            return None
        parent = file_path.parent.name
        if file_path.name != MANIFEST and parent not in ("workflows", "actions"):
            return None
        root = self.pack_root_of(file_path)
        if root is None:
            return None
        kind = classify(file_path, root)
        if kind in ("graph", "standalone"):
            return "workflow", root
        if kind == "pack":
            return "pack", root
        if kind == "action" and not (root / MANIFEST).is_file():
            return "pack", root  # a pack without manifest: each action file hosts its findings
        if kind == "action" and named:
            return "action", root
        return None

    def check(self, root: Path) -> PackCheck:
        """The lint of ``root``: computed on first use (with its sibling packs), then
        shared by every item and fixture."""
        root = norm(root)
        if root not in self.checks:
            self.checks.update(lint_packs(self.siblings(root), self.settings, self.loaded_slot, self.shard))
        return self.checks[root]

    def siblings(self, root: Path) -> list[Path]:
        """``root`` and the packs beside it, as the platform sees them side by side in its
        packs folder; only inside the rootdir or a configured root (never a walk through
        folders the project does not own). The result does not depend on which paths
        were collected, so an item's outcome is the same under -k, --lf or xdist."""
        parent = root.parent
        inside = _below(parent, self.config.rootpath) or any(_below(parent, c) for c in self.configured)
        if not inside:
            return [root]
        try:
            children = sorted(norm(child) for child in parent.iterdir() if child.is_dir())
        except OSError:
            return [root]
        found = {root}
        for child in children:
            if child not in self.checks and self._is_pack(child):
                found.add(child)
        return sorted(found)

    def _is_pack(self, folder: Path) -> bool:
        from attune_lint.workspace.discovery import MANIFEST, looks_like_pack

        if (folder / MANIFEST).is_file():
            return True
        return self._configured_covers(folder) and looks_like_pack(folder)

    # -- extra roots and why nothing was collected -------------------------------------

    def collection_paths(self) -> list[Path]:
        return [norm(self.config.invocation_params.dir / arg.split("::")[0]) for arg in self.config.args]

    def extra_args(self) -> list[str]:
        """Configured roots to add to the collection, when ``testpaths`` would apply: no
        path on the command line and pytest started in the rootdir. A command line naming
        paths, or a run started in a sub-folder, collects just that, as pytest does."""
        if (self.config.args_source == pytest.Config.ArgsSource.ARGS
                or norm(self.config.invocation_params.dir) != norm(self.config.rootpath)):
            return []
        collected = self.collection_paths()
        extra = []
        for root in self.configured:
            covered = any(root == p or p in root.parents for p in collected)
            if not covered and root.exists():
                extra.append(str(root))
        return sorted(extra)

    def why_nothing(self) -> str:
        """One sentence on why no Attune item ran, for the terminal summary."""
        if self.collected:
            return (f"{self.collected} Attune item(s) were collected but none ran "
                    "(deselected by -k, -m or --lf?)")
        paths = self.collection_paths()
        shown = ", ".join(_shown(p, self.config.rootpath) for p in paths) or "(none)"
        missing = [c for c in self.configured if not c.exists()]
        if missing:
            return ("configured pack roots do not exist: "
                    + ", ".join(_shown(p, self.config.rootpath) for p in missing))
        if self.configured:
            outside = [c for c in self.configured if not any(c == p or p in c.parents for p in paths)]
            if len(outside) == len(self.configured):
                return (f"the configured pack roots ({', '.join(_shown(p, self.config.rootpath) for p in outside)}) "
                        f"lie outside the collected paths ({shown}); they are added only when no path "
                        "is given on the command line and pytest starts in the rootdir")
        from attune_lint.workspace.discovery import MANIFEST, find_pack_roots

        below = [r for p in paths if p.is_dir() for r in find_pack_roots(p) if (r / MANIFEST).is_file()]
        if not below:
            return (f"no Attune pack (a folder with pack.yaml) below the collected paths ({shown}); "
                    "name the pack folders on the command line or in the ini option attune_packs")
        return (f"{len(below)} pack(s) below the collected paths ({shown}) but none of their files "
                "was collected (norecursedirs, --ignore or --deselect?)")


def _shown(path: Path, rootpath: Path) -> str:
    try:
        return str(path.relative_to(rootpath)) or "."
    except ValueError:
        return str(path)


def _shard_option(config: pytest.Config) -> tuple[int, int] | None:
    raw = config.getoption("attune_shard", None)
    if raw is None:
        return None
    from attune_lint.run.parallel import parse_shard

    try:
        return parse_shard(str(raw))
    except ValueError as exc:
        raise pytest.UsageError(f"--attune-shard: {exc}") from None


def _ini_bool(config: pytest.Config, name: str) -> bool:
    value = config.getini(name)
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


STATE_KEY = pytest.StashKey[AttuneSession]()


def state_of(config: pytest.Config) -> AttuneSession:
    return config.stash[STATE_KEY]
