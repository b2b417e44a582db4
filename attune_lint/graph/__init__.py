"""Workflow task graphs: the model (``model.build_graph``) and its renderers (Mermaid, DOT, JSON)."""
from __future__ import annotations

from attune_lint.graph.model import Edge, Graph, Node, build_graph

__all__ = ["Edge", "Graph", "Node", "build_graph", "FORMATS", "render"]

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
