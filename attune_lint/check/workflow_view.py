"""A typed view of a workflow's positioned tree: tasks, transitions, variables, and the
strings the platform renders (each with the task it belongs to and its role there).

Built leniently: a node of the wrong kind is skipped here (the structure rules report
it), so semantic rules can still look at the rest of the file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator, TypeGuard

from attune_lint.document.tree import AnyNode, MappingNode, ScalarNode, SequenceNode

# The task fields the platform read before ``next`` (attune-format.md §3.6); when ``next``
# is empty they are turned into ``next`` elements, otherwise dropped.
LEGACY_TRANSITIONS = ("on_success", "on_failure", "on_complete", "on_timeout")
LEGACY_TASK_KEYS = (*LEGACY_TRANSITIONS, "decision", "publish")
LEGACY_CONDITIONS = {
    "on_success": "{{ succeeded() }}",
    "on_failure": "{{ failed() }}",
    "on_complete": None,
    "on_timeout": "{{ timed_out() }}",
}


@dataclass
class Transition:
    """One way out of a task: a ``next`` element, a legacy ``on_*`` field or a ``decision`` branch."""

    source: str                      # "next", "on_success", ..., "decision"
    node: AnyNode                    # the element (or the legacy value)
    when: ScalarNode | None          # None: unconditional
    targets: list[ScalarNode]        # target task names as written
    publishes: list[tuple[ScalarNode, AnyNode | None]] = field(default_factory=list)  # (name, value)

    @property
    def conditional(self) -> bool:
        return self.when is not None and not (isinstance(self.when.value, str) and not self.when.value.strip())


@dataclass
class TaskView:
    node: MappingNode
    index: int
    name_node: ScalarNode | None
    parent: "TaskView | None" = None
    transitions: list[Transition] = field(default_factory=list)
    subtasks: list["TaskView"] = field(default_factory=list)

    @cached_property
    def name(self) -> str | None:
        if self.name_node is None or not isinstance(self.name_node.value, (str, int, float)):
            return None
        return str(self.name_node.value)

    @property
    def type(self) -> str:
        value = self.scalar("type")
        return value if isinstance(value, str) else "action"

    def get(self, key: str) -> AnyNode | None:
        return self.node.get(key)

    def key(self, key: str) -> ScalarNode | None:
        return self.node.key_node(key)

    def scalar(self, key: str) -> object:
        node = self.node.get(key)
        return node.value if isinstance(node, ScalarNode) else None

    @property
    def has_next(self) -> bool:
        nxt = self.node.get("next")
        return isinstance(nxt, SequenceNode) and bool(nxt.items)

    @property
    def legacy_keys(self) -> list[ScalarNode]:
        keys = [self.node.key_node(k) for k in LEGACY_TASK_KEYS]
        return [k for k in keys if k is not None]

    @property
    def effective_transitions(self) -> list[Transition]:
        """What the platform keeps: ``next`` when non-empty, else the legacy fields."""
        if self.has_next:
            return [t for t in self.transitions if t.source == "next"]
        return [t for t in self.transitions if t.source != "next"]

    @property
    def iterates(self) -> bool:
        return self.node.get("with_items") is not None or self.node.get("iterate_cache") is not None

    @property
    def label(self) -> str:
        return repr(self.name) if self.name is not None else f"#{self.index + 1}"


@dataclass
class WorkflowView:
    root: MappingNode
    tasks: list[TaskView]

    def by_name(self) -> dict[str, TaskView]:
        """Top-level tasks by name; the first of duplicates wins here (a rule reports the rest)."""
        result: dict[str, TaskView] = {}
        for task in self.tasks:
            if task.name is not None and task.name not in result:
                result[task.name] = task
        return result

    def all_tasks(self) -> Iterator[TaskView]:
        """Every task, sub-tasks of parallel tasks at any depth included, depth first."""
        stack = list(reversed(self.tasks))
        while stack:
            task = stack.pop()
            yield task
            stack.extend(reversed(task.subtasks))

    def var_names(self) -> set[str]:
        variables = self.root.get("vars")
        if isinstance(variables, MappingNode):
            return {str(k.value) for k, _ in variables.items()}
        return set()

    def published_names(self) -> set[str]:
        return {str(name.value) for task in self.all_tasks() for t in task.transitions for name, _ in t.publishes}


def build_view(root: MappingNode) -> WorkflowView:
    tasks_node = root.get("tasks")
    return WorkflowView(root, _tasks(tasks_node, None))


def _tasks(node: AnyNode | None, parent: TaskView | None) -> list[TaskView]:
    if not isinstance(node, SequenceNode):
        return []
    result = []
    for index, item in enumerate(node.items):
        if not isinstance(item, MappingNode):
            continue
        name = item.get("name")
        task = TaskView(item, index, name if isinstance(name, ScalarNode) else None, parent)
        task.transitions = list(_transitions(item))
        task.subtasks = _tasks(item.get("tasks"), task)  # the parser recurses at every depth
        result.append(task)
    return result


def _names(node: AnyNode | None) -> list[ScalarNode]:
    if isinstance(node, ScalarNode) and node.value is not None:
        return [node]
    if isinstance(node, SequenceNode):
        return [item for item in node.items if isinstance(item, ScalarNode) and item.value is not None]
    return []


def _publishes(node: AnyNode | None) -> list[tuple[ScalarNode, AnyNode | None]]:
    result: list[tuple[ScalarNode, AnyNode | None]] = []
    if not isinstance(node, SequenceNode):
        return result
    for item in node.items:
        if isinstance(item, ScalarNode) and isinstance(item.value, str):
            result.append((item, None))
        elif isinstance(item, MappingNode):
            result.extend(item.items())
    return result


def _transitions(task: MappingNode) -> Iterator[Transition]:
    nxt = task.get("next")
    if isinstance(nxt, SequenceNode):
        for element in nxt.items:
            if not isinstance(element, MappingNode):
                continue
            when = element.get("when")
            yield Transition("next", element, when if isinstance(when, ScalarNode) and when.value is not None else None,
                             _names(element.get("do")), _publishes(element.get("publish")))
    task_publish = _publishes(task.get("publish"))
    for field_name in LEGACY_TRANSITIONS:
        value = task.get(field_name)
        if value is None:
            continue
        targets = _names(value) if isinstance(value, ScalarNode) else []
        if isinstance(value, SequenceNode):  # the real-world list-of-when/do form
            for element in value.items:
                if isinstance(element, MappingNode):
                    targets.extend(_names(element.get("do")))
        yield Transition(field_name, value, None if field_name == "on_complete" else task.key_node(field_name),
                         targets, [])
    decision = task.get("decision")
    if isinstance(decision, SequenceNode):
        for branch in decision.items:
            if isinstance(branch, MappingNode):
                when = branch.get("when")
                yield Transition("decision", branch, when if isinstance(when, ScalarNode) else None,
                                 _names(branch.get("next")), [])
    if task_publish:
        yield Transition("publish", task.get("publish") or task, None, [], task_publish)


# -- the strings the platform renders -----------------------------------------------------

# Where in a task a string sits; the name rules decide from it what is in scope.
INPUT = "input"
TASK_WHEN = "when"
WITH_ITEMS = "with_items"
ITERATE_CACHE = "iterate_cache"
TIMEOUT = "timeout"
WAIT_FOR = "wait_for"
PLACEMENT = "placement"
PERMISSIONS = "permission_set_refs"
TRACE_TAG = "trace_tag_template"
TRANSITION_WHEN = "transition_when"
PUBLISH = "publish"
OUTPUT_MAP = "output_map"

TRANSITION_ROLES = frozenset({TRANSITION_WHEN, PUBLISH})
ITERATE_CACHE_FIELDS = ("namespace", "owner_type", "owner_ref", "generation")
PLACEMENT_FIELDS = ("worker_selector", "worker_tolerations", "worker_affinity")


@dataclass(frozen=True)
class RenderedString:
    """A string scalar the platform renders, with what it belongs to."""

    node: ScalarNode
    role: str  # INPUT, TRANSITION_WHEN, … (see the constants above)
    where: str  # human path, e.g. "tasks[1].next[0].when"
    task: TaskView | None = None  # None for output_map

    @cached_property
    def value(self) -> str:
        return self.node.value if isinstance(self.node.value, str) else ""

    @cached_property
    def bare_expression(self) -> bool:
        """A ``when`` without any ``{{``: the platform evaluates the whole string."""
        return self.role in (TASK_WHEN, TRANSITION_WHEN) and "{{" not in self.value and bool(self.value.strip())


def rendered_strings(view: WorkflowView) -> Iterator[RenderedString]:
    """Every string of a workflow file that the platform renders, in file order per task.

    Not ``vars`` (initial values are used literally) and not ``__chart_meta__``.
    """
    yield from _task_list(view.tasks, "tasks")
    output_map = view.root.get("output_map")
    if isinstance(output_map, MappingNode):
        for key, value in output_map.items():
            if _is_string(value):
                yield RenderedString(value, OUTPUT_MAP, f"output_map.{key.value}")


def _task_list(tasks: list[TaskView], where: str) -> Iterator[RenderedString]:
    for task in tasks:
        yield from _task(task, f"{where}[{task.index}]")


_SCALAR_ROLES = {"when": TASK_WHEN, "with_items": WITH_ITEMS, "timeout": TIMEOUT, "trace_tag_template": TRACE_TAG}


def _task(scope: TaskView, where: str) -> Iterator[RenderedString]:
    for key, value in scope.node.items():
        name = key.value
        if name == "input":
            yield from _strings_in(value, INPUT, f"{where}.{name}", scope)
        elif name in _SCALAR_ROLES:
            if _is_string(value):
                yield RenderedString(value, _SCALAR_ROLES[name], f"{where}.{name}", scope)
        elif name in PLACEMENT_FIELDS:
            yield from _strings_in(value, PLACEMENT, f"{where}.{name}", scope)
        elif name in ("permission_set_refs", "permission_set_ref"):
            yield from _strings_in(value, PERMISSIONS, f"{where}.{name}", scope)
        elif name == "iterate_cache" and isinstance(value, MappingNode):
            for field_name in ITERATE_CACHE_FIELDS:
                sub = value.get(field_name)
                if _is_string(sub):
                    yield RenderedString(sub, ITERATE_CACHE, f"{where}.{name}.{field_name}", scope)
        elif name == "wait_for" and isinstance(value, MappingNode):
            for target_key, target in value.items():
                if _is_string(target):
                    yield RenderedString(target, WAIT_FOR, f"{where}.{name}.{target_key.value}", scope)
        elif name == "next" and isinstance(value, SequenceNode):
            for i, element in enumerate(value.items):
                if isinstance(element, MappingNode):
                    yield from _transition(element, f"{where}.{name}[{i}]", scope)
        elif name == "publish":
            yield from _publish(value, f"{where}.{name}", scope)
        elif name == "decision" and isinstance(value, SequenceNode):
            for i, branch in enumerate(value.items):
                branch_when = branch.get("when") if isinstance(branch, MappingNode) else None
                if _is_string(branch_when):
                    yield RenderedString(branch_when, TRANSITION_WHEN, f"{where}.{name}[{i}].when", scope)
        elif name in LEGACY_TRANSITIONS:
            # The list-of-{when, do} form is not Attune (the structure rules say so), but its
            # conditions are still meant as expressions: check them too.
            yield from _legacy_whens(value, f"{where}.{name}", scope)
        elif name == "tasks" and isinstance(value, SequenceNode):
            yield from _task_list(scope.subtasks, f"{where}.{name}")


def _transition(element: MappingNode, where: str, scope: TaskView) -> Iterator[RenderedString]:
    when = element.get("when")
    if _is_string(when):
        yield RenderedString(when, TRANSITION_WHEN, f"{where}.when", scope)
    yield from _publish(element.get("publish"), f"{where}.publish", scope)


def _publish(node: AnyNode | None, where: str, scope: TaskView) -> Iterator[RenderedString]:
    if not isinstance(node, SequenceNode):
        return
    for i, directive in enumerate(node.items):
        if isinstance(directive, MappingNode):
            for key, value in directive.items():
                yield from _strings_in(value, PUBLISH, f"{where}[{i}].{key.value}", scope)


def _legacy_whens(node: AnyNode | None, where: str, scope: TaskView) -> Iterator[RenderedString]:
    if not isinstance(node, SequenceNode):
        return
    for i, element in enumerate(node.items):
        if isinstance(element, MappingNode):
            when = element.get("when")
            if _is_string(when):
                yield RenderedString(when, TRANSITION_WHEN, f"{where}[{i}].when", scope)
            yield from _legacy_whens(element.get("do"), f"{where}[{i}].do", scope)


def _strings_in(node: AnyNode | None, role: str, where: str, scope: TaskView) -> Iterator[RenderedString]:
    """String scalars inside ``node``, recursively (values only: keys are not rendered)."""
    if _is_string(node):
        yield RenderedString(node, role, where, scope)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.items):
            yield from _strings_in(item, role, f"{where}[{i}]", scope)
    elif isinstance(node, MappingNode):
        for key, value in node.items():
            yield from _strings_in(value, role, f"{where}.{key.value}", scope)


def _is_string(node: AnyNode | None) -> TypeGuard[ScalarNode]:
    return isinstance(node, ScalarNode) and isinstance(node.value, str)
