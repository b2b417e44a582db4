"""Mermaid ``flowchart TD`` (renders as is in GitHub and GitLab markdown).

Every label is quoted and every character but ASCII letters, digits, space and ``_.,:-/+=*!?@``
is written as a Mermaid entity code (``#35;``), so quotes, brackets, ``{{ }}``, ``#``, ``;``,
``|``, HTML and unicode never break the syntax. Ids are generated (``t0``, ``u0``, ``g0``),
never taken from the file.
"""
from __future__ import annotations

from dataclasses import replace

from attune_lint.graph.labels import edge_lines, node_lines
from attune_lint.graph.model import Graph, Node

# Mermaid's default maxTextSize is 50 000 characters (GitHub keeps it): stay below.
MAX_TEXT = 45_000
SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _.,:-/+=*!?@")
BREAK = "<br/>"

CLASSES = {
    "entry": "stroke:#2b7a2b,stroke-width:2px",
    "error": "fill:#fde2e2,stroke:#c62828,stroke-width:2px,color:#7f1010",
    "warning": "fill:#fff4d6,stroke:#b7791f,stroke-width:2px,color:#6b4500",
    "unreachable": "fill:#f2f2f2,stroke:#9e9e9e,stroke-dasharray:4 3,color:#9e9e9e",
    "missing": "fill:#ffffff,stroke:#c62828,stroke-dasharray:2 2,color:#c62828",
}
EDGE_STYLES = {"error": "stroke:#c62828,color:#c62828,stroke-width:2px",
               "warning": "stroke:#b7791f,color:#b7791f,stroke-width:2px",
               "unreachable": "stroke:#bdbdbd,color:#9e9e9e,stroke-dasharray:4 3"}


def escape(text: str) -> str:
    """Label text for inside ``"..."``: entity codes for everything outside a small safe set."""
    out = []
    for char in text:
        if char in SAFE:
            out.append(char)
        elif ord(char) < 32 or 0x7F <= ord(char) < 0xA0 or 0xD800 <= ord(char) < 0xE000:
            out.append(" ")  # control characters and lone surrogates: nothing to show
        else:
            out.append(f"#{ord(char)};")
    return "".join(out)


def label(lines: list[str]) -> str:
    return '"' + BREAK.join(escape(line) for line in lines) + '"'


def node_class(node: Node) -> str | None:
    if node.kind == "missing":
        return "missing"
    if node.unreachable:
        return "unreachable"
    if node.severity in ("error", "warning"):
        return node.severity
    return "entry" if node.entry else None


def _node(node: Node, compact: bool = False) -> str:
    lines = node_lines(node)
    text = label([lines[0], *lines[1:][-1:]] if compact and node.codes else lines[:1] if compact else lines)
    if node.kind == "missing":
        return f"{node.id}{{{{{text}}}}}"  # hexagon
    if node.entry:
        return f"{node.id}([{text}])"  # stadium
    if node.type == "parallel" or node.type == "workflow":
        return f"{node.id}[[{text}]]"  # subroutine
    return f"{node.id}[{text}]"


def render(graph: Graph) -> str:
    """The diagram; a large graph is drawn compact (short labels), then with fewer edges,
    so that the text stays below Mermaid's size limit."""
    text = _render(graph, compact=False)
    if len(text) <= MAX_TEXT:
        return text
    text = _render(graph, compact=True)
    keep = len(graph.edges)
    while len(text) > MAX_TEXT and keep > 0:
        keep //= 2
        fewer = replace(graph, edges=graph.edges[:keep], omitted_edges=graph.omitted_edges + len(graph.edges) - keep)
        text = _render(fewer, compact=True)
    return text


def _render(graph: Graph, compact: bool) -> str:
    lines = ["flowchart TD"]
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
            lines.append(pad + _node(node, compact))
        for child in children.get(group, []):
            lines.append(f"{pad}subgraph {child}[{label([labels[child]])}]")
            emit(child, depth + 1)
            lines.append(pad + "end")

    emit(None, 1)
    if not graph.nodes:
        lines.append(f"    empty[{label(['(no tasks)'])}]")
    if graph.omitted_edges:
        lines.append(f"    omitted[{label([f'{graph.omitted_edges} more transitions not drawn'])}]")
    link_styles: list[str] = []
    dimmed = {n.id for n in graph.nodes if n.unreachable}
    labelled: set[tuple[str, tuple[str, ...]]] = set()
    for index, edge in enumerate(graph.edges):
        arrow = "-.->" if edge.kind == "parallel" else "-->"
        text = edge_lines(edge)
        if compact and not edge.codes:  # one label per transition's fan-out
            key = (edge.source, tuple(text))
            if key in labelled:
                lines.append(f"    {edge.source} {arrow} {edge.target}")
                continue
            labelled.add(key)
        lines.append(f"    {edge.source} {arrow}|{label(text)}| {edge.target}")
        style = EDGE_STYLES.get(edge.severity or ("unreachable" if edge.source in dimmed else ""))
        if style:
            link_styles.append(f"    linkStyle {index} {style}")
    for name, style in CLASSES.items():
        lines.append(f"    classDef {name} {style}")
    members: dict[str, list[str]] = {}
    for node in graph.nodes:
        cls = node_class(node)
        if cls:
            members.setdefault(cls, []).append(node.id)
    for name in CLASSES:
        if name in members:
            lines.append(f"    class {','.join(members[name])} {name}")
    lines.extend(link_styles)
    return "\n".join(lines) + "\n"


def render_many(graphs: list[Graph]) -> str:
    """One graph: the diagram alone. Several: a Markdown document, one fenced block each."""
    if len(graphs) == 1:
        return render(graphs[0])
    return "\n".join(markdown(graph) for graph in graphs)


def markdown(graph: Graph, heading: str = "###") -> str:
    """A Markdown section: a heading naming the workflow, then its diagram in a mermaid fence."""
    title = graph.title if graph.title == graph.path else f"{graph.title} ({graph.path})"
    return f"{heading} {markdown_text(title)}\n\n```mermaid\n{render(graph)}```\n"


def markdown_text(text: str) -> str:
    """Plain text for a Markdown line: one line, markup characters escaped."""
    text = " ".join(text.split())
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!|<>~" else c for c in text)
