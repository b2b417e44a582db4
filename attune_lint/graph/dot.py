"""Graphviz DOT: ``dot -Tsvg`` draws it. Ids are generated (``t0``, ``u0``, ``cluster_g0``);
labels are double-quoted strings with backslashes and quotes escaped, control characters
dropped, so no file text can leave its string."""
from __future__ import annotations

from attune_lint.graph.labels import edge_lines, node_lines
from attune_lint.graph.model import Graph, Node

FONT = "Helvetica"
NODE_STYLES = {
    None: 'style="rounded,filled", fillcolor="#ffffff", color="#555555"',
    "entry": 'style="rounded,filled,bold", fillcolor="#eaf6ea", color="#2b7a2b"',
    "error": 'style="rounded,filled,bold", fillcolor="#fde2e2", color="#c62828", fontcolor="#7f1010"',
    "warning": 'style="rounded,filled,bold", fillcolor="#fff4d6", color="#b7791f", fontcolor="#6b4500"',
    "unreachable": 'style="rounded,filled,dashed", fillcolor="#f2f2f2", color="#9e9e9e", fontcolor="#9e9e9e"',
    "missing": 'shape=hexagon, style="dashed", color="#c62828", fontcolor="#c62828"',
}
EDGE_STYLES = {
    "error": 'color="#c62828", fontcolor="#c62828", penwidth=2',
    "warning": 'color="#b7791f", fontcolor="#b7791f", penwidth=2',
    "unreachable": 'color="#bdbdbd", fontcolor="#9e9e9e", style=dashed',
}


def escape(text: str) -> str:
    out = []
    for char in text:
        if char in '\\"':
            out.append("\\" + char)
        elif ord(char) < 32 or 0x7F <= ord(char) < 0xA0 or 0xD800 <= ord(char) < 0xE000:
            out.append(" ")
        else:
            out.append(char)
    return "".join(out)


def quote(text: str) -> str:
    return f'"{escape(text)}"'


def label(lines: list[str]) -> str:
    return '"' + "\\n".join(escape(line) for line in lines) + '"'


def _style(node: Node) -> str | None:
    if node.kind == "missing":
        return "missing"
    if node.unreachable:
        return "unreachable"
    if node.severity in ("error", "warning"):
        return node.severity
    return "entry" if node.entry else None


def render(graph: Graph, name: str = "workflow") -> str:
    lines = [f"digraph {quote(name)} {{",
             f"    graph [rankdir=TB, fontname={quote(FONT)}, labelloc=t, label={quote(graph.title)}];",
             f"    node [shape=box, fontname={quote(FONT)}, fontsize=11];",
             f"    edge [fontname={quote(FONT)}, fontsize=9];"]
    by_group: dict[str | None, list[Node]] = {}
    for node in graph.nodes:
        by_group.setdefault(node.group, []).append(node)
    children: dict[str | None, list[str]] = {}
    for group in graph.groups:
        children.setdefault(group.parent, []).append(group.id)
    labels = {g.id: g.label for g in graph.groups}

    def emit(group: str | None, depth: int) -> None:
        pad = "    " * depth
        for node in by_group.get(group, []):
            extra = ", shape=box3d" if node.type in ("parallel", "workflow") and node.kind == "task" else ""
            lines.append(f"{pad}{node.id} [label={label(node_lines(node))}, {NODE_STYLES[_style(node)]}{extra}];")
        for child in children.get(group, []):
            lines.append(f"{pad}subgraph cluster_{child} {{")
            lines.append(f'{pad}    label={quote(labels[child])}; style="dashed,rounded"; color="#777777";')
            emit(child, depth + 1)
            lines.append(pad + "}")

    emit(None, 1)
    if not graph.nodes:
        lines.append(f'    empty [label={quote("(no tasks)")}, shape=plaintext];')
    if graph.omitted_edges:
        lines.append(f"    omitted [label={quote(f'{graph.omitted_edges} more transitions not drawn')}, shape=note];")
    dimmed = {n.id for n in graph.nodes if n.unreachable}
    for edge in graph.edges:
        attributes = [f"label={label(edge_lines(edge))}"]
        unreachable = edge.source in dimmed and not edge.severity
        if edge.kind == "parallel" and not unreachable:
            attributes.append("style=dotted")
        style = EDGE_STYLES.get(edge.severity or ("unreachable" if unreachable else ""))
        if style:
            attributes.append(style)
        lines.append(f"    {edge.source} -> {edge.target} [{', '.join(attributes)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_many(graphs: list[Graph]) -> str:
    """Several graphs one after the other (``dot`` renders each; ``dot -O`` writes one file each)."""
    return "".join(render(graph, f"workflow_{i}" if len(graphs) > 1 else "workflow")
                   for i, graph in enumerate(graphs))
