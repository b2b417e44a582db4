"""The platform's workflow service API (``WorkflowLoader``), on top of loading and checking.

It sits in ``run/`` because it does both: it loads a pack's workspace and, unless told to
skip validation, checks it, so each loaded workflow carries its findings.
"""
from __future__ import annotations

from pathlib import Path

from attune_lint.check.checker import check_workspace
from attune_lint.run.gc_pause import gc_paused
from attune_lint.workspace import discovery
from attune_lint.workspace.pack import LoadedWorkflow, LoaderConfig
from attune_lint.workspace.workspace import load_paths


class WorkflowLoader:
    """The platform's workflow service loader: packs below ``packs_base_dir``."""

    def __init__(self, config: LoaderConfig) -> None:
        self.config = config

    def load_all_workflows(self) -> dict[str, LoadedWorkflow]:
        result: dict[str, LoadedWorkflow] = {}
        base = Path(self.config.packs_base_dir)
        for child in sorted(base.iterdir()) if base.is_dir() else []:
            if child.is_dir() and (child / discovery.MANIFEST).is_file():
                result.update(self.load_pack_workflows(child.name))
        return result

    def load_pack_workflows(self, pack: str) -> dict[str, LoadedWorkflow]:
        root = Path(self.config.packs_base_dir) / pack
        with gc_paused():
            workspace = load_paths([root], self.config)
            if not self.config.skip_validation:
                check_workspace(workspace)
        return workspace.workflows_by_ref()
