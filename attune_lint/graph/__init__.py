"""Workflow task graphs: the model (``model.build_graph``) and its renderers (Mermaid, DOT, JSON)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from attune_lint.graph.model import Edge, Graph, Node, build_graph

if TYPE_CHECKING:
    from attune_lint.run.result import RunResult
    from attune_lint.workspace.workspace import Target

__all__ = ["Edge", "Graph", "Node", "build_graph", "FORMATS", "graphs_of_run", "render", "workflow_targets"]

FORMATS = ("mermaid", "dot", "json")


def render(graphs: list[Graph], fmt: str) -> str:
    """``graphs`` in format ``fmt`` (one of FORMATS)."""
    if fmt == "mermaid":
        from attune_lint.graph import mermaid

        return mermaid.render_many(graphs)
    if fmt == "dot":
        from attune_lint.graph import dot

        return dot.render_many(graphs)
    if fmt == "json":
        from attune_lint.graph import json as graph_json

        return graph_json.render_many(graphs)
    raise ValueError(f"unknown graph format {fmt!r}")


def workflow_targets(result: "RunResult") -> list["Target"]:
    """The workflow files a run checked (graph and standalone files, and loose files whose
    content is a workflow), in the run's order."""
    from attune_lint.workspace.discovery import classify_content

    def is_workflow(target: "Target") -> bool:
        if target.kind == "unknown":
            return classify_content(set(target.document.data), target.path.name) in ("graph", "standalone")
        return target.kind in ("graph", "standalone")

    return [t for t in result.workspace.targets if is_workflow(t)]


def graphs_of_run(result: "RunResult") -> list[Graph]:
    """One graph per workflow file of ``result``, with the run's findings on it."""
    diagnostics: dict[str, list] = {}
    for diagnostic in result.diagnostics:
        diagnostics.setdefault(diagnostic.path, []).append(diagnostic)
    return [build_graph(t.document, diagnostics.get(t.display, ()), t.workflow.ref if t.workflow else None)
            for t in workflow_targets(result)]
