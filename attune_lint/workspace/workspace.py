"""Load packs and workflow files into the records checks and the registrar consume.

``load_paths`` serves the CLI, pytest and pre-commit (any mix of packs, folders of packs
and single files); ``WorkflowLoader`` mirrors the platform's workflow service API.
Every file is read once per run.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from attune_lint.workspace import discovery
from attune_lint.workspace.context import needed_actions
from attune_lint.diagnostics import Diagnostic, Span
from attune_lint.files import not_a_file, read_regular
from attune_lint.printable import printable
from attune_lint.workspace.discovery import FileKind, PackFiles
from attune_lint.workspace.pack import ActionFile, LoadedWorkflow, LoaderConfig, Pack, WorkflowFile
from attune_lint.document.reader import YamlDocument, read_yaml_file


def display_path(path: Path) -> str:
    """``path`` relative to the current folder when it lies below it, else as given; with
    control characters and bytes that are not UTF-8 escaped, so that every output format
    stays valid text (the file itself is still opened by its real ``Path``)."""
    text = str(path)
    if path.is_absolute():
        # Path.relative_to(Path.cwd()), on strings: a run shows thousands of paths.
        cwd = os.getcwd()
        if text == cwd:
            return "."
        prefix = cwd if cwd.endswith(os.sep) else cwd + os.sep
        return printable(text[len(prefix):] if text.startswith(prefix) else text)
    return printable(os.path.normpath(text))


@dataclass
class Target:
    """One file a run checks, with the context its checks need."""

    path: Path
    kind: FileKind
    document: YamlDocument
    pack: Pack | None = None
    workflow: LoadedWorkflow | None = None
    action: ActionFile | None = None  # the file itself, for kind "action"

    @property
    def display(self) -> str:
        return self.document.path


@dataclass
class Workspace:
    """Everything one run loaded."""

    packs: list[Pack] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    workflows: list[LoadedWorkflow] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)  # paths that do not exist
    # Files of the whole run when this workspace is one part of it (a run checking one pack
    # at a time): what per-run choices, such as compiling the fast schema check, go by.
    run_files: int = 0
    _by_ref: tuple[tuple[int, int], dict[str, Pack]] | None = field(default=None, repr=False, compare=False)

    def packs_by_ref(self) -> dict[str, Pack]:
        """The run's packs by ref (the last of a ref wins), built once per list of packs:
        rules ask for it once per workflow, and a run may hold thousands of packs."""
        key = (id(self.packs), len(self.packs))
        if self._by_ref is None or self._by_ref[0] != key:
            self._by_ref = (key, {pack.ref: pack for pack in self.packs})
        return self._by_ref[1]

    def workflows_by_ref(self) -> dict[str, LoadedWorkflow]:
        """Workflows keyed by ref; on a clash the platform's winner stays (see resolve_refs)."""
        return resolve_refs(self.workflows)


class DocumentStore:
    """Reads each file once per run; ``documents``: files already read (by normalised path),
    e.g. a pack's action files read earlier for another pack's check."""

    def __init__(self, max_file_size: int, documents: dict[Path, YamlDocument] | None = None) -> None:
        self.max_file_size = max_file_size
        self._documents: dict[Path, YamlDocument] = dict(documents or {})

    def documents(self) -> dict[Path, YamlDocument]:
        """Every document read so far, by normalised path."""
        return dict(self._documents)

    def get(self, path: Path, pack_root: Path | None = None) -> YamlDocument:
        """The file's document; a pack's file that a symbolic link takes out of its pack
        is reported, not read (a pull request could link /proc/self/environ and print CI
        secrets in a snippet)."""
        key = Path(os.path.normpath(path))
        document = self._documents.get(key)
        if document is None:
            shown = display_path(path)
            outside = link_outside(key, Path(os.path.normpath(pack_root))) if pack_root is not None else None
            if outside is not None:
                from attune_lint.document.rules import UNREADABLE

                document = YamlDocument(shown, None, None, [UNREADABLE.at(
                    shown, Span(1, 1, 1, 1),
                    f"symbolic link leads outside the pack (to {printable(outside)}); not read",
                    "keep a pack's files inside its folder")])
            else:
                document = read_yaml_file(path, shown, self.max_file_size)
            self._documents[key] = document
        return document

    def bytes_of(self, path: Path, pack_root: Path) -> bytes | None:
        """The bytes ``get`` would parse for a pack's file, or None when it would parse
        none (a link out of the pack, not a regular file, too large, unreadable); for a
        quick look at a file's text before deciding to load it."""
        key = Path(os.path.normpath(path))
        if link_outside(key, Path(os.path.normpath(pack_root))) is not None:
            return None
        try:
            return read_regular(path, self.max_file_size)
        except OSError:
            return None


def link_outside(path: Path, root: Path) -> str | None:
    """Where ``path`` really is, when a symbolic link (the file or a folder between it and
    ``root``) takes it outside ``root``; None when it stays inside."""
    if not link_on_the_way(str(path), str(root)):
        return None
    real = os.path.realpath(path)
    try:
        Path(real).relative_to(os.path.realpath(root))
    except ValueError:
        return real
    return None


def link_on_the_way(path: str, root: str) -> bool:
    """Whether ``path`` or a folder between it and ``root`` (both normalised) is a symbolic
    link; up to the file system's root when ``path`` is not below ``root``."""
    current = path
    while current != root:
        if os.path.islink(current):
            return True
        parent = os.path.dirname(current)
        if parent == current:
            return False
        current = parent
    return False


def load_pack(root: Path, store: DocumentStore, checked: set[Path] | None = None,
              files: PackFiles | None = None) -> Pack:
    """The pack at ``root`` with its action files; with ``checked`` (the only files of the
    pack a run checks), only the action files their findings depend on, when that is
    fewer (``context.needed_actions``; the pack is then ``partial``). ``files``: the
    pack's listing when the caller has it."""
    files = files or PackFiles.scan(root)
    manifest = store.get(files.manifest, root) if files.manifest.is_file() else None
    pack = Pack(root=root, manifest_path=files.manifest, manifest=manifest,
                manifest_data=manifest.data if manifest is not None else {})
    paths = files.actions
    if checked is not None:
        needed = needed_actions(pack, files, checked, store)
        if needed is not None and len(needed) < len(paths):
            paths, pack.partial = needed, True
    for action_path in paths:
        document = store.get(action_path, root)
        pack.actions.append(ActionFile(action_path, document, document.data))
    return pack


def linked_graph_path(pack: Pack, action: ActionFile) -> Path | None:
    """The graph file an action's ``workflow_file`` names, when it is a confined, existing file.

    Mirrors the pack loader: relative, first component ``workflows``, no ``..``, and after
    resolving symlinks still inside ``actions/workflows/``.
    """
    relative = action.workflow_file
    if not relative:
        return None
    parts = Path(relative).parts
    if Path(relative).is_absolute() or not parts or parts[0] != "workflows" or ".." in parts:
        return None
    actions_dir = pack.root / "actions"
    candidate = actions_dir / relative
    # Only a symbolic link below actions/ can take the file out of actions/workflows/:
    # resolve the paths (a system call per folder of each) only when there is one.
    if link_on_the_way(os.path.normpath(candidate), os.path.normpath(actions_dir)):
        workflows_dir = (actions_dir / "workflows").resolve()
        try:
            resolved = candidate.resolve()
            resolved.relative_to(workflows_dir)
            workflows_dir.relative_to(actions_dir.resolve())
        except (ValueError, OSError):
            return None
    return candidate if not_a_file(candidate) is None else None


def _workflow(path: Path, pack: Pack, store: DocumentStore, action: ActionFile | None) -> LoadedWorkflow:
    document = store.get(path, pack.root)
    definition = document.data
    name = discovery.workflow_name(path.name)
    graph_ref = definition.get("ref")
    if action is not None:
        ref = graph_ref if isinstance(graph_ref, str) and graph_ref else (action.ref or f"{pack.dir_name}.{name}")
        file = WorkflowFile(path, pack.ref, name, ref, "action-linked", action.path)
    else:
        file = WorkflowFile(path, pack.ref, name, f"{pack.dir_name}.{name}", "standalone", None)
    return LoadedWorkflow(file=file, definition=definition, findings=list(document.findings),
                          document=document, pack=pack, action=action)


def pack_workflows(pack: Pack, store: DocumentStore, wanted: set[Path] | None = None,
                   files: PackFiles | None = None) -> list[LoadedWorkflow]:
    """The workflows of a pack (those among ``wanted`` paths, when given): action-linked
    pairs first, then unlinked graph files and standalone files (as the platform's
    workflow service would see them). Files not wanted are not read. ``files``: the
    pack's listing when the caller has it."""
    files = files or PackFiles.scan(pack.root)
    result: list[LoadedWorkflow] = []
    linked: set[Path] = set()

    def take(path: Path) -> bool:
        return wanted is None or _norm(path) in wanted

    for action in pack.actions:
        graph = linked_graph_path(pack, action)
        if graph is not None:
            linked.add(_norm(graph))
            if take(graph):
                result.append(_workflow(graph, pack, store, action))
    for path in files.standalone:
        if take(path):
            result.append(_workflow(path, pack, store, None))
    for path in files.graphs:
        if _norm(path) not in linked and take(path):
            result.append(_workflow(path, pack, store, None))
    return result


def resolve_refs(workflows: list[LoadedWorkflow]) -> dict[str, LoadedWorkflow]:
    """``{ref: workflow}`` with the platform's precedence: an ``actions/workflows/`` file
    overrides a ``workflows/`` file of the same ref; an action link overrides both."""
    def rank(workflow: LoadedWorkflow) -> int:
        if workflow.file.layout == "action-linked":
            return 2
        return 1 if workflow.file.path.parent.name == "workflows" and workflow.file.path.parent.parent.name == "actions" else 0

    result: dict[str, LoadedWorkflow] = {}
    for workflow in workflows:
        current = result.get(workflow.ref)
        if current is None or rank(workflow) >= rank(current):
            result[workflow.ref] = workflow
    return result


def load_paths(paths: list[Path | str], config: LoaderConfig | None = None,
               store: DocumentStore | None = None) -> Workspace:
    """Load what a run over ``paths`` checks: whole packs, parts of packs, lone files
    (``store``: where files are read, with what it already holds)."""
    config = config or LoaderConfig()
    store = store or DocumentStore(config.max_file_size)
    selection = discovery.select(paths)
    workspace = Workspace()
    for missing in selection.missing:
        workspace.problems.append(_missing_path(missing))
    for root in sorted(selection.packs):
        chosen = selection.packs[root]
        files = PackFiles.scan(root)  # listed once for the whole load of the pack
        pack = load_pack(root, store, chosen if config.context_actions == "needed" else None, files)
        workspace.packs.append(pack)
        for folder, reason in discovery.unreadable_folders(root):
            workspace.problems.append(_unreadable_folder(folder, reason))
        _add_pack_targets(workspace, pack, store, chosen, files)
    for path in selection.lone_files:
        kind = discovery.classify(path)
        document = store.get(path)
        workspace.targets.append(Target(path, kind, document))
    return workspace


def _unreadable_folder(folder: Path, reason: str) -> Diagnostic:
    from attune_lint.document.rules import UNREADABLE

    return UNREADABLE.at(display_path(folder), Span(1, 1, 1, 1),
                         f"cannot read the folder ({reason}): none of its files were checked",
                         "make the folder readable, or remove it")


def _missing_path(path: Path) -> Diagnostic:
    from attune_lint.document.rules import UNREADABLE

    return UNREADABLE.at(printable(str(path)), Span(1, 1, 1, 1), "no such file or folder")


def _norm(path: Path) -> Path:
    """The path files are matched by: absolute, so that "deploy.yaml" given from inside
    actions/ is the pack's "../actions/deploy.yaml"."""
    return Path(os.path.abspath(path))


def _add_pack_targets(workspace: Workspace, pack: Pack, store: DocumentStore,
                      chosen: set[Path] | None, files: PackFiles) -> None:
    wanted = None if chosen is None else {_norm(p) for p in chosen}
    if wanted is not None and any(_norm(a.path) in wanted for a in pack.actions):
        # A changed action file re-checks the pack's workflows: the one it links and the
        # ones that call it (by its old or its new ref, so all of them).
        wanted.update(_norm(p) for p in (*files.standalone, *files.graphs))
    workflows = pack_workflows(pack, store, wanted, files)

    def selected(path: Path) -> bool:
        return wanted is None or _norm(path) in wanted

    if pack.manifest is not None and selected(pack.manifest_path):
        workspace.targets.append(Target(pack.manifest_path, "pack", pack.manifest, pack))
    for action in pack.actions:
        if selected(action.path):
            workspace.targets.append(Target(action.path, "action", action.document, pack, action=action))
    seen: set[Path] = set()
    for workflow in workflows:
        path = _norm(workflow.file.path)
        if not selected(path):
            continue
        workspace.workflows.append(workflow)
        kind = discovery.classify(workflow.file.path)  # by its folders: a symlinked file keeps its kind
        workspace.targets.append(Target(workflow.file.path, kind, workflow.document, pack, workflow))
        seen.add(path)
    if wanted is not None:
        for path in sorted(wanted - seen):
            kind = discovery.classify(path, pack.root)
            if kind in ("pack", "action"):
                continue
            if os.path.exists(path):  # a named pipe or device named on the command line is
                # reported by the reader ("not a regular file"), never opened for reading
                workspace.targets.append(Target(path, kind, store.get(path, pack.root), pack))
