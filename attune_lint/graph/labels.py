"""The text of node and edge labels, shared by the renderers (escaping is theirs)."""
from __future__ import annotations

from attune_lint.graph.model import Edge, Node


def node_lines(node: Node) -> list[str]:
    if node.kind == "missing":
        lines = [node.name, "(no such task)"]
    else:
        lines = [("▶ " if node.entry else "") + node.name]
        if node.type != "action":
            lines.append(f"type: {node.type}")
        if node.action is not None:
            lines.append(node.action)
        if node.marks:
            lines.append(", ".join(node.marks))
        if node.publish:
            lines.append("publish: " + ", ".join(node.publish[:5]) + (" …" if len(node.publish) > 5 else ""))
        if node.unreachable:
            lines.append("(unreachable)")
    if node.codes:
        lines.append(" ".join(node.codes))
    return lines


def edge_lines(edge: Edge) -> list[str]:
    if edge.kind == "parallel":
        lines = ["starts"]
    else:
        lines = [edge.condition]
        if edge.publish:
            lines.append("publish: " + ", ".join(edge.publish[:5]) + (" …" if len(edge.publish) > 5 else ""))
    if edge.codes:
        lines.append(" ".join(edge.codes))
    return lines
