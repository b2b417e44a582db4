"""A workflow's task graph as the platform runs it, with the lint run's findings on it.

The edges come from the registrar's normalisation (``registrar.normalize``): a task's
``next`` when it is non-empty, else what its legacy fields become (``on_success`` →
``when: succeeded()`` ...); a legacy field the platform drops (beside a non-empty ``next``)
draws no edge. The positioned tree (``check.workflow_view``) only supplies lines, so that a
finding is drawn on the task or the transition it points into.

Built leniently: any YAML (a broken file, non-string or missing names, duplicates, unknown
targets, huge fan-out) gives a graph; renderers escape every label.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from attune_lint.check.workflow_view import LEGACY_CONDITIONS, TaskView, build_view
from attune_lint.diagnostics import Diagnostic, Severity
from attune_lint.document.reader import YamlDocument
from attune_lint.document.tree import AnyNode, MappingNode, ScalarNode, SequenceNode
from attune_lint.registrar.normalize import normalize_definition, yaml_text

# Mermaid refuses diagrams with more than 500 edges; stay below, and say what was left out.
MAX_EDGES = 400
CONDITION_WIDTH = 40
NAME_WIDTH = 60
KNOWN_CONDITIONS = {
    "succeeded()": "succeeded",
    "failed()": "failed",
    "timed_out()": "timed_out",
}


@dataclass
class Finding:
    code: str
    severity: str  # "error", "warning", "info"
    message: str
    line: int

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "message": self.message, "line": self.line}


@dataclass
class Node:
    id: str
    name: str  # shown name (a placeholder when the task has none or a strange one)
    kind: str = "task"  # "task", or "missing" for a target no task has
    type: str = "action"
    action: str | None = None
    marks: list[str] = field(default_factory=list)  # with_items, iterate_cache, join: N
    publish: list[str] = field(default_factory=list)  # names published by transitions without targets
    group: str | None = None  # the parallel group holding it
    entry: bool = False
    unreachable: bool = False
    line: int | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def severity(self) -> str | None:
        return worst(self.findings)

    @property
    def codes(self) -> list[str]:
        return codes(self.findings)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "kind": self.kind, "type": self.type, "action": self.action,
                "marks": self.marks, "publish": self.publish, "group": self.group, "entry": self.entry, "unreachable": self.unreachable,
                "line": self.line, "findings": [f.to_json() for f in self.findings]}


@dataclass
class Edge:
    id: str
    source: str
    target: str
    kind: str = "transition"  # or "parallel": a parallel task starting a sub-task
    condition: str = "always"  # succeeded, failed, timed_out, always, or the shortened expression
    when: str | None = None  # the full condition text
    publish: list[str] = field(default_factory=list)
    line: int | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def severity(self) -> str | None:
        return worst(self.findings)

    @property
    def codes(self) -> list[str]:
        return codes(self.findings)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "source": self.source, "target": self.target, "kind": self.kind,
                "condition": self.condition, "when": self.when, "publish": self.publish, "line": self.line,
                "findings": [f.to_json() for f in self.findings]}


@dataclass
class Group:
    """The sub-tasks of a parallel task."""

    id: str
    task: str  # the parallel task's node id
    label: str
    parent: str | None = None  # enclosing group

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "task": self.task, "label": self.label, "parent": self.parent}


@dataclass
class Graph:
    title: str
    path: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # findings outside any task
    omitted_edges: int = 0

    @property
    def graph_findings(self) -> list[Finding]:
        """Findings of the graph rules (AL3xx) anywhere in the workflow."""
        every = [*self.findings, *(f for n in self.nodes for f in n.findings),
                 *(f for e in self.edges for f in e.findings)]
        return [f for f in every if f.code.startswith("AL3")]

    def to_json(self) -> dict[str, Any]:
        return {"workflow": self.title, "path": self.path,
                "nodes": [n.to_json() for n in self.nodes], "edges": [e.to_json() for e in self.edges],
                "groups": [g.to_json() for g in self.groups],
                "findings": [f.to_json() for f in self.findings], "omitted_edges": self.omitted_edges}


def worst(findings: Iterable[Finding]) -> str | None:
    order = {"info": 1, "warning": 2, "error": 3}
    best: str | None = None
    for finding in findings:
        if best is None or order.get(finding.severity, 0) > order.get(best, 0):
            best = finding.severity
    return best


def codes(findings: Iterable[Finding]) -> list[str]:
    return sorted({f.code for f in findings})


def shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def condition_label(when: Any) -> str:
    """``succeeded``, ``failed``, ``timed_out``, ``always``, or the expression shortened."""
    if when is None:
        return "always"
    text = str(when).strip()
    if not text:
        return "always"
    inner = text
    if text.startswith("{{") and text.endswith("}}") and text.count("{{") == 1:
        inner = text[2:-2].strip()
    inner = " ".join(inner.split())
    return KNOWN_CONDITIONS.get(inner.replace(" ", ""), shorten(inner, CONDITION_WIDTH))


def _text(value: Any) -> str | None:
    """A name as the platform compares it (a YAML scalar as text), None for anything else."""
    value = yaml_text(value)
    return value if isinstance(value, str) else None


def _shown(value: Any, index: int) -> str:
    if value is None:
        return f"(task {index + 1}, no name)"
    text = _text(value)
    if text is None:
        return f"(task {index + 1}, name is a {type(value).__name__})"
    return shorten(text, NAME_WIDTH) if text.strip() else f"(task {index + 1}, blank name)"


def _publish_names(publish: Any) -> list[str]:
    names: list[str] = []
    for item in publish if isinstance(publish, list) else []:
        if isinstance(item, dict):
            names.extend(str(yaml_text(k)) for k in item)
        elif item is not None:
            names.append(str(yaml_text(item)))
    return [shorten(n, NAME_WIDTH) for n in names]


# -- lines of the positioned tree ------------------------------------------------------------


Region = tuple[tuple[int, int], tuple[int, int], int]  # start (line, column), end (exclusive), width


def _lines(node: AnyNode | None) -> Region | None:
    if node is None:
        return None
    return ((node.start.line, node.start.column), (node.end.line, node.end.column),
            node.end.index - node.start.index)


def _key_to_value(task: MappingNode, key: str) -> Region | None:
    key_node = task.key_node(key)
    value = task.get(key)
    if key_node is None:
        return _lines(value)
    end = value if value is not None and value.end.index > key_node.end.index else key_node
    return ((key_node.start.line, key_node.start.column), (end.end.line, end.end.column),
            end.end.index - key_node.start.index)


def _inside(region: Region, line: int, column: int) -> bool:
    start, end, _ = region
    return start <= (line, column) < end or (start == end and start[0] == line)


def _transition_anchors(view: TaskView | None, count: int) -> list[Region | None]:
    """The lines of each normalised transition of a task, in the normalisation's order."""
    if view is None:
        return [None] * count
    task = view.node
    anchors: list[Region | None] = []
    nxt = task.get("next")
    if isinstance(nxt, SequenceNode) and nxt.items:
        anchors = [_lines(item) for item in nxt.items]
    else:
        for key in LEGACY_CONDITIONS:
            value = task.get(key)
            if value is not None and not (isinstance(value, ScalarNode) and value.value is None):
                anchors.append(_key_to_value(task, key))
        decision = task.get("decision")
        if isinstance(decision, SequenceNode):
            anchors.extend(_lines(branch) for branch in decision.items)
        if not anchors and task.get("publish") is not None:
            anchors.append(_key_to_value(task, "publish"))
    return anchors + [None] * (count - len(anchors)) if len(anchors) < count else anchors[:count]


def _target_lines(view: TaskView | None, index: int) -> list[int | None]:
    """The line of each ``do`` target of ``next[index]`` (None when not known)."""
    if view is None or not view.has_next:
        return []
    nxt = view.node.get("next")
    assert isinstance(nxt, SequenceNode)
    if index >= len(nxt.items) or not isinstance(nxt.items[index], MappingNode):
        return []
    do = nxt.items[index].get("do")
    if isinstance(do, SequenceNode):
        return [item.start.line for item in do.items]
    if isinstance(do, ScalarNode):
        return [do.start.line]
    return []


# -- building --------------------------------------------------------------------------------


class _Builder:
    def __init__(self, title: str, path: str) -> None:
        self.graph = Graph(title=title, path=path)
        self.missing: dict[tuple[str | None, str], str] = {}
        # where findings go: (region, node) and (region, edges of one transition, their targets' lines)
        self.task_spans: list[tuple[Region, Node]] = []
        self.edge_spans: list[tuple[Region, list[Edge], list[int | None]]] = []
        self.children: dict[str, list[Node]] = {}  # a parallel task's node id -> its sub-tasks' nodes
        self.group_task: dict[str, str] = {}
        self.count = 0

    def node_id(self) -> str:
        self.count += 1
        return f"t{self.count - 1}"

    def tasks(self, tasks: list[dict[str, Any]], views: dict[int, TaskView], group: str | None) -> list[Node]:
        nodes: list[Node] = []
        for index, task in enumerate(tasks):
            view = views.get(index)
            marks = [m for m in ("with_items", "iterate_cache") if task.get(m) is not None]
            join = task.get("join")
            if join is not None:
                marks.append(f"join: {shorten(str(yaml_text(join)), 20)}")
            node = Node(id=self.node_id(), name=_shown(task.get("name"), index),
                        type=shorten(str(yaml_text(task.get("type"))), 30),
                        action=shorten(str(task["action"]), NAME_WIDTH) if task.get("action") is not None else None,
                        marks=marks, group=group, line=view.node.start.line if view is not None else None)
            self.graph.nodes.append(node)
            region = _lines(view.node) if view is not None else None
            if region is not None:
                self.task_spans.append((region, node))
            nodes.append(node)
            subtasks = task.get("tasks")
            if isinstance(subtasks, list) and subtasks:
                group_id = f"g{len(self.graph.groups)}"
                self.graph.groups.append(Group(group_id, node.id, f"{node.type}: {node.name}", group))
                sub_views = {v.index: v for v in view.subtasks} if view is not None else {}
                self.group_task[group_id] = node.id
                self.children[node.id] = self.tasks(subtasks, sub_views, group_id)
        return nodes

    def transitions(self, tasks: list[dict[str, Any]], nodes: list[Node], views: dict[int, TaskView],
                    scope: str | None) -> None:
        by_name: dict[str, Node] = {}
        for task, node in zip(tasks, nodes):
            name = _text(task.get("name"))
            if name is not None:
                by_name.setdefault(name, node)
        for index, (task, node) in enumerate(zip(tasks, nodes)):
            view = views.get(index)
            transitions = task.get("next") or []
            anchors = _transition_anchors(view, len(transitions))
            for number, transition in enumerate(transitions):
                edges: list[Edge] = []
                when = transition.get("when")
                for target in transition.get("do") or []:
                    target_node = by_name.get(_text(target) or "") if _text(target) is not None else None
                    target_id = target_node.id if target_node is not None else self.missing_node(scope, target)
                    edge = self.edge(node.id, target_id, "transition")
                    if edge is None:
                        continue
                    edge.when = None if when is None else str(when)
                    edge.condition = condition_label(when)
                    edge.publish = _publish_names(transition.get("publish"))
                    edge.line = anchors[number][0][0] if anchors[number] else None  # type: ignore[index]
                    edges.append(edge)
                if not transition.get("do"):  # publish only: nothing to draw but the names
                    node.publish.extend(n for n in _publish_names(transition.get("publish"))
                                        if n not in node.publish)
                region = anchors[number]
                if region is not None and edges:
                    self.edge_spans.append((region, edges, _target_lines(view, number)))
            children = self.children.get(node.id, [])
            subtasks = task.get("tasks")
            if children and isinstance(subtasks, list):
                sub_views = {v.index: v for v in view.subtasks} if view is not None else {}
                self.transitions(subtasks, children, sub_views, node.id)
                inbound = {e.target for e in self.graph.edges if e.kind == "transition"}
                for child in children:
                    if child.id not in inbound:
                        child.entry = True
                        self.edge(node.id, child.id, "parallel")

    def edge(self, source: str, target: str, kind: str) -> Edge | None:
        if len(self.graph.edges) >= MAX_EDGES:
            self.graph.omitted_edges += 1
            return None
        edge = Edge(id=f"e{len(self.graph.edges)}", source=source, target=target, kind=kind)
        self.graph.edges.append(edge)
        return edge

    def missing_node(self, scope: str | None, target: Any) -> str:
        full = _text(target)
        shown = shorten(full, NAME_WIDTH) if full is not None else f"({type(target).__name__})"
        key = (scope, full if full is not None else shown)  # two long names alike are two nodes
        if key not in self.missing:
            node = Node(id=f"u{len(self.missing)}", name=shown, kind="missing", type="missing")
            self.missing[key] = node.id
            self.graph.nodes.append(node)
        return self.missing[key]

    def reachability(self, tasks: list[dict[str, Any]], nodes: list[Node]) -> None:
        """Entry tasks and unreachable tasks of the top level, as the graph rules see them."""
        named: dict[str, Node] = {}
        for task, node in zip(tasks, nodes):
            name = _text(task.get("name"))
            if name is not None:
                named.setdefault(name, node)
        ids = {n.id for n in named.values()}
        sources = {n.id for task, n in zip(tasks, nodes) if _text(task.get("name")) is not None}
        outgoing: dict[str, list[str]] = {}
        inbound: set[str] = set()
        for edge in self.graph.edges:
            if edge.kind == "transition" and edge.source in sources and edge.target in ids:
                outgoing.setdefault(edge.source, []).append(edge.target)
                inbound.add(edge.target)
        entries = [n for n in named.values() if n.id not in inbound]
        for node in entries:
            node.entry = True
        if not entries:
            return
        seen = {n.id for n in entries}
        stack = list(seen)
        while stack:
            for target in outgoing.get(stack.pop(), []):
                if target not in seen:
                    seen.add(target)
                    stack.append(target)
        dimmed = {n.id for n in named.values() if n.id not in seen}
        for node in self.graph.nodes:
            if node.id in dimmed or (node.group is not None and self.group_task.get(node.group) in dimmed):
                node.unreachable = True
                dimmed.add(node.id)

    def attach(self, diagnostics: Iterable[Diagnostic]) -> None:
        for diagnostic in sorted(diagnostics, key=Diagnostic.sort_key):
            finding = Finding(diagnostic.code, diagnostic.severity.label, diagnostic.message, diagnostic.line)
            line, column = diagnostic.line, diagnostic.column
            edge_hits = [s for s in self.edge_spans if _inside(s[0], line, column)]
            task_hits = [s for s in self.task_spans if _inside(s[0], line, column)]
            narrow_edge = min(edge_hits, key=lambda s: s[0][2], default=None)
            narrow_task = min(task_hits, key=lambda s: s[0][2], default=None)
            if narrow_edge is not None and (narrow_task is None or narrow_edge[0][2] <= narrow_task[0][2]):
                _, edges, target_lines = narrow_edge
                exact = [e for e, at in zip(edges, target_lines) if at == line]
                for edge in exact or edges:
                    edge.findings.append(finding)
            elif narrow_task is not None:
                narrow_task[1].findings.append(finding)
            else:
                self.graph.findings.append(finding)


def build_graph(document: YamlDocument, diagnostics: Iterable[Diagnostic] = (), title: str | None = None) -> Graph:
    """The graph of the workflow file ``document``; ``diagnostics`` are the run's findings
    (those of other files are ignored)."""
    builder = _Builder(title or document.path, document.path)
    definition = normalize_definition(document.data)
    root = document.mapping
    views = {v.index: v for v in build_view(root).tasks} if root is not None else {}
    tasks = definition["tasks"]
    nodes = builder.tasks(tasks, views, None)
    builder.transitions(tasks, nodes, views, None)
    builder.reachability(tasks, nodes)
    builder.attach(d for d in diagnostics if d.path == document.path)
    return builder.graph


def severity_rank(label: str | None) -> int:
    return {None: 0, "info": Severity.INFO, "warning": Severity.WARNING, "error": Severity.ERROR}.get(label, 0)
