"""Graph: task names, transition targets, entry points, reachability, join, cycles.

Mirrors the platform's parser (targets must name a top-level task; sub-tasks name a
sibling) and its validator (duplicate names, entry points, reachability, wait_for in a
cycle), and adds what silently goes wrong at run time (all-match transitions, legacy
fields dropped beside ``next``, a join that can never be met).
"""
from __future__ import annotations

from typing import Iterable, Iterator

from attune_lint.check.context import CheckContext
from attune_lint.diagnostics import Diagnostic, Severity
from attune_lint.check.workflow_view import TaskView, WorkflowView
from attune_lint.document.tree import MappingNode, ScalarNode, head_span
from attune_lint.rule import Rule
from attune_lint.spelling import closest

DUPLICATE_TASK = Rule(
    "AL301", "duplicate-task-name", Severity.ERROR,
    "Two top-level tasks have the same name.",
    """
    The platform's validator rejects the workflow ("Duplicate task name"); the parser alone
    lets the later task shadow the earlier one.

    FAIL:
        tasks:
          - name: notify
            action: core.echo
          - name: notify
            action: core.noop
    PASS:
        tasks:
          - name: notify
            action: core.echo
          - name: notify_again
            action: core.noop
    """,
)
UNKNOWN_TARGET = Rule(
    "AL302", "unknown-transition-target", Severity.ERROR,
    "A transition (next[].do, on_*, decision[].next) names a task that does not exist.",
    """
    The platform refuses the file: "Task 'a' references non-existent task 'b'". Sub-tasks of
    a parallel task may only name their siblings.

    FAIL:
        tasks:
          - name: a
            action: core.echo
            next:
              - do: [notfiy]
          - name: notify
            action: core.echo
    PASS:
        tasks:
          - name: a
            action: core.echo
            next:
              - do: [notify]
          - name: notify
            action: core.echo
    """,
)
NO_ENTRY = Rule(
    "AL303", "no-entry-task", Severity.ERROR,
    "Every task is the target of a transition, so the workflow starts nothing.",
    """
    Entry tasks are the tasks no transition leads to. With none, the workflow completes
    at once, successfully, and runs nothing.

    FAIL:
        tasks:
          - name: a
            action: core.echo
            next: [{do: [b]}]
          - name: b
            action: core.echo
            next: [{when: "{{ failed() }}", do: [a]}]
    PASS:
        tasks:
          - name: a
            action: core.echo
            next: [{do: [b]}]
          - name: b
            action: core.echo
    """,
)
UNREACHABLE = Rule(
    "AL304", "unreachable-task", Severity.ERROR,
    "A task cannot be reached from any entry task.",
    """
    The platform's validator reports "Unreachable task". Such a task only has
    predecessors that are themselves unreachable (a loop nothing enters).

    FAIL:
        tasks:
          - name: start
            action: core.echo
          - name: loop_a
            action: core.echo
            next: [{do: [loop_b]}]
          - name: loop_b
            action: core.echo
            next: [{when: "{{ failed() }}", do: [loop_a]}]
    PASS:
        tasks:
          - name: start
            action: core.echo
            next: [{do: [loop_a]}]
          - name: loop_a
            action: core.echo
            next: [{do: [loop_b]}]
          - name: loop_b
            action: core.echo
            next: [{when: "{{ failed() }}", do: [loop_a]}]
    """,
)
SEVERAL_ENTRIES = Rule(
    "AL305", "several-entry-tasks", Severity.WARNING,
    "More than one task has no inbound transition; all of them start at once.",
    """
    A task nothing leads to is an entry task: it runs at workflow start, in parallel with
    the first task. Usually a transition to it was forgotten.

    FAIL:
        tasks:
          - name: build
            action: acme.build
          - name: notify
            action: core.echo
    PASS:
        tasks:
          - name: build
            action: acme.build
            next: [{do: [notify]}]
          - name: notify
            action: core.echo
    """,
)
JOIN_TOO_LARGE = Rule(
    "AL306", "join-exceeds-inbound", Severity.ERROR,
    "``join`` waits for more predecessors than transitions lead to the task.",
    """
    A join barrier of N waits for N inbound predecessors. With fewer tasks leading to it,
    the task never runs.

    FAIL:
        tasks:
          - name: a
            action: core.echo
            next: [{do: [b, merge]}]
          - name: b
            action: core.echo
            next: [{do: [merge]}]
          - name: merge
            join: 3
            action: core.echo
    PASS:
        tasks:
          - name: a
            action: core.echo
            next: [{do: [b, merge]}]
          - name: b
            action: core.echo
            next: [{do: [merge]}]
          - name: merge
            join: 2
            action: core.echo
    """,
)
UNCONDITIONAL_BESIDE = Rule(
    "AL307", "unconditional-beside-conditional", Severity.WARNING,
    "A transition without ``when`` stands beside conditional ones; it always fires too.",
    """
    Transitions are all-match, not first-match: every transition whose condition holds
    fires, and one without ``when`` always holds. It is not an "else".

    FAIL:
        next:
          - when: "{{ failed() }}"
            do: [cleanup]
          - do: [report]
    PASS:
        next:
          - when: "{{ failed() }}"
            do: [cleanup]
          - when: "{{ succeeded() }}"
            do: [report]
    """,
)
WAIT_FOR_IN_CYCLE = Rule(
    "AL308", "wait-for-in-cycle", Severity.ERROR,
    "A ``wait_for`` task can reach itself through transitions.",
    """
    The platform refuses it: "wait_for is not supported on tasks in cyclic graph regions".

    FAIL:
        tasks:
          - name: ask
            action: core.echo
            wait_for: {inquiry: "{{ task.start.inquiry_id }}"}
            next: [{when: "{{ failed() }}", do: [ask]}]
    PASS:
        tasks:
          - name: ask
            action: core.echo
            wait_for: {inquiry: "{{ task.start.inquiry_id }}"}
            next: [{when: "{{ failed() }}", do: [give_up]}]
    """,
)
LEGACY_BESIDE_NEXT = Rule(
    "AL309", "legacy-beside-next", Severity.ERROR,
    "Legacy transition fields next to ``next``: the platform drops them silently.",
    """
    When ``next`` is non-empty, ``on_success``, ``on_failure``, ``on_complete``,
    ``on_timeout``, ``decision`` and task-level ``publish`` are discarded at parse time.

    FAIL:
        - name: a
          action: core.echo
          on_failure: cleanup
          next:
            - do: [b]
    PASS:
        - name: a
          action: core.echo
          next:
            - when: "{{ succeeded() }}"
              do: [b]
            - when: "{{ failed() }}"
              do: [cleanup]
    """,
)
LEGACY_TRANSITION = Rule(
    "AL310", "legacy-transition", Severity.WARNING,
    "A legacy transition field (on_*, decision, task-level publish); write ``next``.",
    """
    The legacy fields still parse and are converted to ``next``, but only on the file
    load paths: definitions saved through the API or the CLI keep them raw, and the
    executor then sees no transitions at all.

    FAIL:
        - name: a
          action: core.echo
          on_success: b
    PASS:
        - name: a
          action: core.echo
          next:
            - when: "{{ succeeded() }}"
              do: [b]
    """,
)
LEGACY_TASK_TYPE = Rule(
    "AL311", "legacy-task-type", Severity.WARNING,
    "``type: parallel`` or ``type: workflow``: accepted, not modelled by the scheduler or UI.",
    """
    Fan out with several ``do`` targets and call a workflow action as an ordinary action
    task instead.

    FAIL:
        - name: fan
          type: parallel
          tasks:
            - {name: a, action: core.echo}
    PASS:
        - name: fan
          action: core.noop
          next:
            - do: [a, b]
    """,
)
UNGUARDED_CYCLE = Rule(
    "AL312", "unguarded-cycle", Severity.WARNING,
    "A loop whose every transition is unconditional never ends.",
    """
    Cycles are allowed (retry and polling loops) but need a ``when`` somewhere on the way
    round.

    FAIL:
        - name: poll
          action: acme.check
          next: [{do: [wait]}]
        - name: wait
          action: core.sleep
          next: [{do: [poll]}]
    PASS:
        - name: poll
          action: acme.check
          next: [{when: "{{ not task.poll.done }}", do: [wait]}]
        - name: wait
          action: core.sleep
          next: [{do: [poll]}]
    """,
)
RESERVED_NAME = Rule(
    "AL313", "reserved-task-name", Severity.ERROR,
    "A task is named after a template namespace (parameters, vars, task, system, ...).",
    """
    The platform's validator rejects task names ``parameters``, ``vars``, ``task``,
    ``system``, ``kv``, ``pack``, ``item``, ``batch`` and ``index``.

    FAIL:
        - name: item
          action: core.echo
    PASS:
        - name: handle_item
          action: core.echo
    """,
)
TASK_WHEN = Rule(
    "AL314", "task-level-when", Severity.WARNING,
    "A task-level ``when``: kept in the definition but ignored by the scheduler.",
    """
    Put the condition on the transition that leads to the task.

    FAIL:
        - name: notify
          when: "{{ parameters.notify }}"
          action: core.echo
    PASS:
        - name: build
          action: acme.build
          next:
            - when: "{{ succeeded() and parameters.notify }}"
              do: [notify]
    """,
)

ITERATION_CONFLICT = Rule(
    "AL315", "with-items-and-iterate-cache", Severity.ERROR,
    "A task has both ``with_items`` and ``iterate_cache``.",
    """
    The platform's validator refuses it: "Task 'X' cannot define both with_items and
    iterate_cache". A task iterates over one source.

    FAIL:
        - name: each
          action: core.echo
          with_items: "{{ parameters.users }}"
          iterate_cache: {namespace: users}
    PASS:
        - name: each
          action: core.echo
          iterate_cache: {namespace: users}
    """,
)
ITERATE_CACHE_NOT_ACTION = Rule(
    "AL316", "iterate-cache-not-action", Severity.ERROR,
    "``iterate_cache`` on a task that is not an action task (``type: workflow`` or ``parallel``).",
    """
    The platform's validator refuses it: "Task 'X' iterate_cache is only supported for
    action tasks". (AL311 separately reports the legacy ``type``.)

    FAIL:
        - name: each
          type: workflow
          action: acme.deploy
          iterate_cache: {namespace: users}
    PASS:
        - name: each
          action: acme.deploy
          iterate_cache: {namespace: users}
    """,
)
WAIT_FOR_MISPLACED = Rule(
    "AL317", "wait-for-not-supported", Severity.ERROR,
    "``wait_for`` where the platform does not support it.",
    """
    The platform's parser refuses the file (on every load path, so pack registration fails)
    when a ``wait_for`` task is not an action task ("wait_for is only supported for action
    tasks"), is a sub-task of a parallel task ("wait_for is not supported on nested parallel
    tasks"), or also iterates with ``with_items`` or ``iterate_cache`` ("wait_for cannot be
    combined with task iteration").

    FAIL:
        - name: approve
          action: core.inquiry
          with_items: "{{ parameters.approvers }}"
          wait_for: {inquiry: "{{ task.approve.inquiry_id }}"}
    PASS:
        - name: approve
          action: core.inquiry
          wait_for: {inquiry: "{{ task.approve.inquiry_id }}"}
    """,
)
RETRY_MAX_DELAY = Rule(
    "AL318", "retry-max-delay-below-delay", Severity.ERROR,
    "``retry.max_delay`` is less than ``retry.delay``.",
    """
    The platform's validator refuses it: "Task 'X' retry max_delay must be >= delay".

    FAIL:
        - name: a
          action: core.echo
          retry: {count: 3, delay: 10, max_delay: 5}
    PASS:
        - name: a
          action: core.echo
          retry: {count: 3, delay: 10, max_delay: 60}
    """,
)

RULES = (DUPLICATE_TASK, UNKNOWN_TARGET, NO_ENTRY, UNREACHABLE, SEVERAL_ENTRIES, JOIN_TOO_LARGE,
         UNCONDITIONAL_BESIDE, WAIT_FOR_IN_CYCLE, LEGACY_BESIDE_NEXT, LEGACY_TRANSITION,
         LEGACY_TASK_TYPE, UNGUARDED_CYCLE, RESERVED_NAME, TASK_WHEN, ITERATION_CONFLICT,
         ITERATE_CACHE_NOT_ACTION, WAIT_FOR_MISPLACED, RETRY_MAX_DELAY)

RESERVED_TASK_NAMES = frozenset({"parameters", "vars", "task", "system", "kv", "pack", "item", "batch", "index"})


def check(ctx: CheckContext) -> Iterable[Diagnostic]:
    if not ctx.is_workflow or ctx.root is None:
        return []
    view = ctx.view
    found: list[Diagnostic] = []
    found.extend(_duplicates(ctx, view))
    found.extend(_targets(ctx, view.tasks))
    for task in view.all_tasks():
        found.extend(_targets(ctx, task.subtasks))
    found.extend(_per_task(ctx, view))
    found.extend(_graph(ctx, view))
    return found


def _duplicates(ctx: CheckContext, view: WorkflowView) -> Iterator[Diagnostic]:
    first: dict[str, TaskView] = {}
    for task in view.tasks:
        if task.name is None or task.name_node is None:
            continue
        earlier = first.setdefault(task.name, task)
        if earlier is not task and earlier.name_node is not None:
            yield DUPLICATE_TASK.at(
                ctx.path, task.name_node.span,
                f"task name {task.name!r} is already used at line {earlier.name_node.start.line}",
                "give every task a unique name", related=((ctx.path, earlier.name_node.span, "first task of that name"),))


def _targets(ctx: CheckContext, siblings: list[TaskView]) -> Iterator[Diagnostic]:
    names = [t.name for t in siblings if t.name is not None]
    known = set(names)
    for task in siblings:
        for transition in task.transitions:
            for target in transition.targets:
                name = str(target.value)
                if name in known:
                    continue
                match = closest(name, names)
                scope = "sibling sub-task" if task.parent is not None else "task"
                yield UNKNOWN_TARGET.at(
                    ctx.path, target.span,
                    f"task {task.label} transitions to {name!r}, but no {scope} has that name",
                    f"did you mean {match!r}?" if match else f"known tasks: {', '.join(names[:10])}")


def _per_task(ctx: CheckContext, view: WorkflowView) -> Iterator[Diagnostic]:
    for task in view.all_tasks():
        if task.name in RESERVED_TASK_NAMES and task.name_node is not None and task.parent is None:
            yield RESERVED_NAME.at(ctx.path, task.name_node.span,
                                   f"task name {task.name!r} is reserved (it is a template namespace)",
                                   f"rename it, e.g. '{task.name}_task'")
        legacy = task.legacy_keys
        if legacy and task.has_next:
            for key in legacy:
                yield LEGACY_BESIDE_NEXT.at(ctx.path, key.span,
                                            f"{key.value!r} is dropped because task {task.label} also has 'next'",
                                            "move it into 'next' (publish goes on a transition)")
        elif legacy:
            for key in legacy:
                yield LEGACY_TRANSITION.at(ctx.path, key.span, f"{key.value!r} is a legacy transition field",
                                           _legacy_hint(str(key.value)))
        type_key = task.key("type")
        if task.type in ("parallel", "workflow") and type_key is not None:
            hint = ("fan out with several 'do' targets of one transition" if task.type == "parallel"
                    else "call the workflow's action as an ordinary action task (type: action)")
            type_node = task.get("type")
            yield LEGACY_TASK_TYPE.at(ctx.path, type_node.span if type_node is not None else type_key.span,
                                      f"'type: {task.type}' is a legacy task type the scheduler does not model", hint)
        when_key = task.key("when")
        if when_key is not None:
            yield TASK_WHEN.at(ctx.path, when_key.span,
                               f"task-level 'when' on task {task.label} is ignored by the scheduler",
                               "put the condition on the transition that leads to this task")
        yield from _all_match(ctx, task)
        yield from _task_shape(ctx, task)


def _present(task: TaskView, key: str) -> ScalarNode | None:
    """The key node of ``key`` when it has a value (``key: null`` is absent to the parser)."""
    value = task.get(key)
    if value is None or (isinstance(value, ScalarNode) and value.value is None):
        return None
    return task.key(key)


def _task_shape(ctx: CheckContext, task: TaskView) -> Iterator[Diagnostic]:
    """The validator's per-task checks the schema cannot express (validator.rs)."""
    with_items = _present(task, "with_items")
    iterate_cache = _present(task, "iterate_cache")
    wait_for = _present(task, "wait_for")
    if with_items is not None and iterate_cache is not None:
        yield ITERATION_CONFLICT.at(ctx.path, iterate_cache.span,
                                    f"task {task.label} cannot define both with_items and iterate_cache",
                                    "keep one of them: a task iterates over one source")
    if iterate_cache is not None and task.type != "action":
        yield ITERATE_CACHE_NOT_ACTION.at(ctx.path, iterate_cache.span,
                                          f"task {task.label}: iterate_cache is only supported for action tasks "
                                          f"(this one is 'type: {task.type}')",
                                          "make it an action task (remove 'type') or move the iteration into "
                                          "an action task")
    if wait_for is not None:
        reasons = []
        if task.type != "action":
            reasons.append(f"wait_for is only supported for action tasks (this one is 'type: {task.type}')")
        if task.parent is not None:
            reasons.append(f"wait_for is not supported on sub-tasks of a parallel task ({task.parent.label})")
        if with_items is not None or iterate_cache is not None:
            which = "with_items" if with_items is not None else "iterate_cache"
            reasons.append(f"wait_for cannot be combined with task iteration ({which})")
        if reasons:
            yield WAIT_FOR_MISPLACED.at(ctx.path, wait_for.span, f"task {task.label}: " + "; ".join(reasons),
                                        "wait in a top-level action task of its own that does not iterate")
    retry = task.get("retry")
    if isinstance(retry, MappingNode):
        delay, max_delay = retry.get("delay"), retry.get("max_delay")
        if isinstance(delay, ScalarNode) and isinstance(max_delay, ScalarNode) \
                and _is_int(delay.value) and _is_int(max_delay.value) and max_delay.value < delay.value:
            yield RETRY_MAX_DELAY.at(ctx.path, max_delay.span,
                                     f"task {task.label}: retry max_delay ({max_delay.value}) must be >= delay "
                                     f"({delay.value})",
                                     f"raise max_delay to at least {delay.value}, or lower delay")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _legacy_hint(field: str) -> str:
    if field == "decision":
        return "write each branch as a 'next' element: {when: <condition>, do: [<task>]}"
    if field == "publish":
        return "put the publish list on a 'next' transition: next: [{when: '{{ succeeded() }}', publish: [...]}]"
    condition = {"on_success": "succeeded()", "on_failure": "failed()", "on_timeout": "timed_out()"}.get(field)
    if condition:
        return f"next: [{{when: '{{{{ {condition} }}}}', do: [<task>]}}]"
    return "next: [{do: [<task>]}] (no 'when': always)"


def _all_match(ctx: CheckContext, task: TaskView) -> Iterator[Diagnostic]:
    transitions = [t for t in task.transitions if t.source == "next"]
    if not any(t.conditional for t in transitions):
        return
    for transition in transitions:
        if not transition.conditional and transition.targets:
            yield UNCONDITIONAL_BESIDE.at(
                ctx.path, head_span(transition.node),
                f"this transition of task {task.label} has no 'when', so it fires whatever the outcome, "
                "in addition to the conditional ones (transitions are all-match)",
                "add a 'when' (e.g. '{{ succeeded() }}'), or drop the conditions of the others")


def _edges(view: WorkflowView) -> dict[str, list[tuple[str, bool]]]:
    """Top-level task → [(target, conditional)] after legacy normalisation."""
    edges: dict[str, list[tuple[str, bool]]] = {}
    names = view.by_name()
    for task in view.tasks:
        if task.name is None:
            continue
        out = edges.setdefault(task.name, [])
        for transition in task.effective_transitions:
            for target in transition.targets:
                if str(target.value) in names:
                    out.append((str(target.value), transition.conditional))
    return edges


def _graph(ctx: CheckContext, view: WorkflowView) -> Iterator[Diagnostic]:
    names = view.by_name()
    if not names:
        return
    edges = _edges(view)
    inbound: dict[str, set[str]] = {name: set() for name in names}
    for source, targets in edges.items():
        for target, _ in targets:
            inbound[target].add(source)
    entries = [name for name in names if not inbound[name]]
    if not entries:
        first = view.tasks[0]
        yield NO_ENTRY.at(ctx.path, first.name_node.span if first.name_node else head_span(first.node),
                          "every task is the target of a transition, so no task starts: the workflow "
                          "completes at once and runs nothing",
                          f"remove the transition back to {first.label}, or add a first task")
    else:
        reachable = _reach(entries, edges)
        for name, task in names.items():
            if name not in reachable and task.name_node is not None:
                yield UNREACHABLE.at(ctx.path, task.name_node.span,
                                     f"task {name!r} cannot be reached from the entry task(s) {', '.join(map(repr, entries))}",
                                     "add a transition to it from a reachable task, or remove it")
        if len(entries) > 1:
            main = entries[0]
            for name in entries[1:]:
                task = names[name]
                if task.name_node is not None:
                    yield SEVERAL_ENTRIES.at(ctx.path, task.name_node.span,
                                             f"no transition leads to task {name!r}, so it starts with the workflow, "
                                             f"in parallel with {main!r}",
                                             "add a transition to it, or make it the single first task")
    yield from _joins(ctx, names, inbound)
    yield from _cycles(ctx, view, names, edges)


def _reach(starts: list[str], edges: dict[str, list[tuple[str, bool]]]) -> set[str]:
    seen = set(starts)
    stack = list(starts)
    while stack:
        for target, _ in edges.get(stack.pop(), []):
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def _joins(ctx: CheckContext, names: dict[str, TaskView], inbound: dict[str, set[str]]) -> Iterator[Diagnostic]:
    for name, task in names.items():
        join = task.get("join")
        value = task.scalar("join")
        if join is None or not isinstance(value, int) or isinstance(value, bool):
            continue
        count = len(inbound[name])
        if value > count:
            yield JOIN_TOO_LARGE.at(ctx.path, join.span,
                                    f"task {name!r} joins {value} predecessors but only {count} "
                                    f"task{'s lead' if count != 1 else ' leads'} to it, so it never runs",
                                    f"use join: {count}" if count > 0 else "remove 'join'")


def _cycles(ctx: CheckContext, view: WorkflowView, names: dict[str, TaskView],
            edges: dict[str, list[tuple[str, bool]]]) -> Iterator[Diagnostic]:
    # Both checks are linear in tasks + edges (a file may hold thousands of tasks in a chain):
    # strongly connected components once, then one shortest loop per component.
    looping = _in_a_loop({src: [t for t, _ in targets] for src, targets in edges.items()})
    for name, task in names.items():
        wait_for = task.key("wait_for")
        if wait_for is not None and name in looping:
            yield WAIT_FOR_IN_CYCLE.at(ctx.path, wait_for.span,
                                       f"task {name!r} waits (wait_for) but can reach itself through transitions",
                                       "move the wait out of the loop")
    unconditional = {src: [t for t, cond in targets if not cond] for src, targets in edges.items()}
    component_of = _components(unconditional)
    reported: set[int] = set()
    for name in names:
        component = component_of.get(name)
        if component is None or component in reported:
            continue
        cycle = _shortest_cycle(name, unconditional, component_of)
        if cycle is None:
            continue
        reported.add(component)
        task = names[name]
        if task.name_node is not None:
            loop = " -> ".join([*cycle, cycle[0]])
            yield UNGUARDED_CYCLE.at(ctx.path, task.name_node.span,
                                     f"the loop {loop} has no condition on any transition, so it never ends",
                                     "add a 'when' to one transition of the loop")


def _components(edges: dict[str, list[str]]) -> dict[str, int]:
    """Each node's strongly connected component (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    component_of: dict[str, int] = {}
    components = 0
    for root in edges:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(edges.get(root, ())))]
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                components += 1
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component_of[member] = components
                    if member == node:
                        break
    return component_of


def _in_a_loop(edges: dict[str, list[str]]) -> set[str]:
    """The nodes that can reach themselves: in a component of several, or with a self-loop."""
    component_of = _components(edges)
    sizes: dict[int, int] = {}
    for component in component_of.values():
        sizes[component] = sizes.get(component, 0) + 1
    return {node for node, component in component_of.items()
            if sizes[component] > 1 or node in edges.get(node, ())}


def _shortest_cycle(start: str, edges: dict[str, list[str]], component_of: dict[str, int]) -> list[str] | None:
    """The shortest loop through ``start`` (breadth first, inside its component), as the
    names from ``start`` on; None when there is none."""
    component = component_of[start]
    parent: dict[str, str] = {}
    queue = [start]
    for node in queue:  # the list grows while it is read: a queue without pops
        for target in edges.get(node, ()):
            if target == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return path[::-1]
            if target not in parent and target != start and component_of.get(target) == component:
                parent[target] = node
                queue.append(target)
    return None
