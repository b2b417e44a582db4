"""Helpers for the registrar tests (importable: pytest puts this folder on sys.path)."""
from __future__ import annotations

import textwrap
from pathlib import Path

from attune_lint.workspace.workspace import load_paths
from attune_lint.workspace.pack import LoadedWorkflow, Pack


def load_pack(root: Path) -> tuple[Pack, list[LoadedWorkflow]]:
    """The pack and its workflows, as the loader gives them (no lint findings)."""
    workspace = load_paths([root])
    assert len(workspace.packs) == 1, workspace.packs
    return workspace.packs[0], workspace.workflows


def simple_workflow(ref: str, *, label: str = "Flow", extra: str = "") -> str:
    """A standalone workflow: ``ref`` on line 1, ``label`` on line 2, ``version`` on 3,
    a legacy ``on_success`` on line 7."""
    text = textwrap.dedent(f"""\
        ref: {ref}
        label: {label}
        version: "1.0"
        tasks:
          - name: first
            action: core.noop
            on_success: second
          - name: second
            action: core.echo
        """)
    return text + textwrap.dedent(extra)
