"""The records that discovery and loading hand to checks, reporters and the registrar.

Names follow Attune's own loader (`WorkflowFile`, `LoadedWorkflow`, `LoaderConfig`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from attune_lint.diagnostics import Diagnostic
from attune_lint.document.reader import YamlDocument
from attune_lint.limits import DEFAULT_MAX_FILE_SIZE

Layout = Literal["standalone", "action-linked"]


@dataclass(frozen=True)
class LoaderConfig:
    """Where packs live and how files are read (the platform's ``LoaderConfig``)."""

    packs_base_dir: Path = Path("/opt/attune/packs")
    skip_validation: bool = False
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    # "needed": when only some files of a pack are checked, read only the action files
    # their findings depend on (``workspace/context.py``); such a pack is ``partial``.
    # "all" for whoever uses the packs themselves (the registrar, fixes, graphs).
    context_actions: Literal["all", "needed"] = "all"


@dataclass(frozen=True)
class WorkflowFile:
    """One workflow graph file and the ref the platform gives it.

    ``layout`` is ``standalone`` for ``workflows/*.yaml`` and for graph files found only
    by scanning ``actions/workflows/``; ``action-linked`` when an action's
    ``workflow_file`` points at it (``action_path`` is then that action file).
    """

    path: Path
    pack: str
    name: str
    ref: str
    layout: Layout = "standalone"
    action_path: Path | None = None


@dataclass
class ActionFile:
    """An ``actions/*.yaml`` file of a pack."""

    path: Path
    document: YamlDocument
    data: dict[str, Any]

    @property
    def ref(self) -> str | None:
        ref = self.data.get("ref")
        return ref if isinstance(ref, str) else None

    @property
    def workflow_file(self) -> str | None:
        value = self.data.get("workflow_file")
        return value if isinstance(value, str) else None


@dataclass
class Pack:
    """A pack root (a folder with ``pack.yaml``) and what it declares."""

    root: Path
    manifest_path: Path
    manifest: YamlDocument | None  # None when the folder has no pack.yaml
    manifest_data: dict[str, Any]
    actions: list[ActionFile] = field(default_factory=list)
    # True when ``actions`` holds only the action files some checked files need (see
    # ``LoaderConfig.context_actions``): not the pack's interface for other packs.
    partial: bool = False

    @property
    def holds_trees(self) -> bool:
        """False for another pack's interface (``run/interface.py``): refs only, no documents;
        checks that read a pack's files skip it instead of making it read them."""
        return True

    @property
    def dir_name(self) -> str:
        return self.root.name

    @property
    def ref(self) -> str:
        """pack.yaml's ``ref`` when it is a string, else the folder name."""
        ref = self.manifest_data.get("ref")
        return ref if isinstance(ref, str) and ref else self.root.name

    def action_refs(self) -> frozenset[str]:
        """The refs its action files declare; built once (rules ask for every task of every
        workflow, and a pack may hold hundreds of actions)."""
        actions = self.actions
        cached = self.__dict__.get("_action_refs")
        if cached is None or cached[0] != (id(actions), len(actions)):
            cached = self.__dict__["_action_refs"] = ((id(actions), len(actions)),
                                                      frozenset(a.ref for a in actions if a.ref))
        return cached[1]

    def action_by_ref(self, ref: str) -> ActionFile | None:
        for action in self.actions:
            if action.ref == ref:
                return action
        return None


@dataclass
class LoadedWorkflow:
    """A workflow file as loaded: the file, its plain definition and its findings.

    ``definition`` is the YAML as plain data (empty dict when the file could not be
    read); ``document`` keeps the positioned tree for checks and for reporting database
    errors at a line; ``action`` is the linking action file in the action-linked layout.
    """

    file: WorkflowFile
    definition: dict[str, Any]
    findings: list[Diagnostic]
    document: YamlDocument
    pack: Pack | None = None
    action: ActionFile | None = None

    @property
    def ref(self) -> str:
        return self.file.ref

    @property
    def ok(self) -> bool:
        from attune_lint.diagnostics import Severity

        return not any(f.severity >= Severity.ERROR for f in self.findings)
