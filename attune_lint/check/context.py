"""What a check sees of the file it checks and of the run around it."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TypeVar

from attune_lint.workspace.discovery import FileKind
from attune_lint.workspace.workspace import Target, Workspace
from attune_lint.workspace.pack import ActionFile, LoadedWorkflow, Pack
from attune_lint.settings.record import Settings
from attune_lint.check.workflow_view import WorkflowView, build_view
from attune_lint.document.reader import SourceFile, YamlDocument
from attune_lint.document.tree import MappingNode


_T = TypeVar("_T")


@dataclass
class CheckContext:
    target: Target
    workspace: Workspace
    settings: Settings
    _view: WorkflowView | None = field(default=None, repr=False)
    _shared: dict[str, Any] = field(default_factory=dict, repr=False)

    def shared(self, name: str, build: Callable[[], _T]) -> _T:
        """What several rules derive from this file alike (e.g. the parsed templates), built
        by the first rule that asks and kept for the others while this file is checked."""
        if name not in self._shared:
            self._shared[name] = build()
        return self._shared[name]  # type: ignore[no-any-return]

    @property
    def view(self) -> WorkflowView:
        """The typed view of a workflow file's tree, built once for every rule."""
        if self._view is None:
            assert self.root is not None, "only for files whose tree loaded"
            self._view = build_view(self.root)
        return self._view

    @property
    def path(self) -> str:
        """The path as diagnostics print it."""
        return self.target.display

    @property
    def file_path(self) -> Path:
        return self.target.path

    @property
    def kind(self) -> FileKind:
        return self.target.kind

    @property
    def document(self) -> YamlDocument:
        return self.target.document

    @property
    def source(self) -> SourceFile | None:
        return self.target.document.source

    @property
    def root(self) -> MappingNode | None:
        return self.target.document.mapping

    @property
    def pack(self) -> Pack | None:
        return self.target.pack

    @property
    def workflow(self) -> LoadedWorkflow | None:
        return self.target.workflow

    @property
    def linking_action(self) -> ActionFile | None:
        """For an action-linked graph file: the action whose workflow_file names it."""
        return self.target.workflow.action if self.target.workflow is not None else None

    @property
    def is_workflow(self) -> bool:
        return self.kind in ("graph", "standalone")
