"""Gotchas: valid-looking YAML that the platform reads differently from what was meant."""
from __future__ import annotations

from typing import Iterable, Iterator

from attune_lint.check.context import CheckContext
from attune_lint.diagnostics import Diagnostic, Severity
from attune_lint.check.workflow_view import LEGACY_TRANSITIONS
from attune_lint.document.tree import MappingNode, ScalarNode, SequenceNode, head_span
from attune_lint.rule import Rule

JSON_SCHEMA_PARAMETERS = Rule(
    "AL601", "json-schema-parameters", Severity.WARNING,
    "``parameters``/``output`` written as JSON Schema (type: object, properties) instead of flat style.",
    """
    The executor applies defaults from each top-level key of the flat schema. A JSON-Schema
    block gets no defaults at run time, and the template checks treat ``type`` and
    ``properties`` as parameter names.

    FAIL:
        parameters:
          type: object
          properties:
            retries: {type: integer, default: 3}
    PASS:
        parameters:
          retries: {type: integer, default: 3}
    """,
)
NULL_PERMISSION_SETS = Rule(
    "AL602", "null-permission-set-refs", Severity.WARNING,
    "``permission_set_refs: null`` is ambiguous: some versions inherit, one disables.",
    """
    Most parser versions read an explicit null exactly like an omitted key (inherit the
    action's default permission sets); one keeps it. Write ``[]`` to disable token issuance,
    or omit the key to inherit.

    FAIL:
        permission_set_refs: null
    PASS:
        permission_set_refs: []
    """,
)
FOREIGN_DIALECT = Rule(
    "AL603", "foreign-dialect", Severity.ERROR,
    "The file looks like a Mistral/Orquesta (StackStorm) workflow, not an Attune one.",
    """
    ``tasks`` keyed by name, ``on-success`` with a hyphen, a top-level ``input`` list and
    ``<% %>``/``_.var`` expressions are another engine's dialect; Attune refuses the file.

    FAIL:
        version: "1.0"
        input: [message]
        tasks:
          greet:
            action: core.echo
            on-success: [done]
    PASS:
        version: "1.0"
        parameters:
          message: {type: string}
        tasks:
          - name: greet
            action: core.echo
            next: [{do: [done]}]
    """,
)
NESTED_DECISION = Rule(
    "AL604", "decision-inside-do", Severity.ERROR,
    "A decision list nested inside ``do`` (``do: [{when, next}]``) has no meaning in Attune.",
    """
    ``do`` takes task names only. Write each branch as its own transition.

    FAIL:
        on_failure:
          - when: "{{ parameters.force }}"
            do:
              - when: "{{ parameters.skip_tests }}"
                next: register
    PASS:
        next:
          - when: "{{ failed() and parameters.force and parameters.skip_tests }}"
            do: [register]
    """,
)
HYPHEN_TASK_NAME = Rule(
    "AL605", "hyphen-in-task-name", Severity.INFO,
    "A task name with ``-``: ``task.my-task`` in a template is a subtraction.",
    """
    Refer to such a task as ``task["my-task"]``, or name it with ``_``.

    FAIL:
        - name: fetch-data
    PASS:
        - name: fetch_data
    """,
)

RULES = (JSON_SCHEMA_PARAMETERS, NULL_PERMISSION_SETS, FOREIGN_DIALECT, NESTED_DECISION, HYPHEN_TASK_NAME)


def check(ctx: CheckContext) -> Iterable[Diagnostic]:
    root = ctx.root
    if root is None:
        return []
    found: list[Diagnostic] = []
    if ctx.kind in ("action", "graph", "standalone", "unknown"):
        found.extend(_json_schema_style(ctx, root))
    if ctx.is_workflow or (ctx.kind == "unknown" and root.get("tasks") is not None):
        found.extend(_foreign(ctx, root))
        found.extend(_tasks(ctx, root))
    return found


def _json_schema_style(ctx: CheckContext, root: MappingNode) -> Iterator[Diagnostic]:
    for key in ("parameters", "output"):
        block = root.get(key)
        if isinstance(block, MappingNode) and isinstance(block.get("properties"), MappingNode) \
                and isinstance(block.get("type"), ScalarNode) and block.get("type").value == "object":  # type: ignore[union-attr]
            key_node = root.key_node(key)
            assert key_node is not None
            yield JSON_SCHEMA_PARAMETERS.at(
                ctx.path, key_node.span,
                f"{key!r} is written as JSON Schema (type: object with properties); the platform expects the flat "
                "style, and applies no defaults from this form",
                f"write each property directly under '{key}': name: {{type: ..., default: ..., required: true}}")


def _foreign(ctx: CheckContext, root: MappingNode) -> Iterator[Diagnostic]:
    tasks = root.get("tasks")
    signs = []
    if isinstance(tasks, MappingNode):
        signs.append("'tasks' is keyed by task name")
    if isinstance(root.get("input"), SequenceNode):
        signs.append("a top-level 'input' list")
    if isinstance(tasks, MappingNode):
        for _, task in tasks.items():
            if isinstance(task, MappingNode) and any(k in task.keys() for k in ("on-success", "on-error", "on-complete")):
                signs.append("hyphenated 'on-success'/'on-error' transitions")
                break
    if signs and isinstance(tasks, MappingNode):
        key = root.key_node("tasks")
        assert key is not None
        yield FOREIGN_DIALECT.at(ctx.path, key.span,
                                 "this looks like a Mistral/Orquesta workflow, not an Attune one: " + ", ".join(signs),
                                 "Attune wants 'tasks' as a list of '- name: ...' items with 'next' transitions "
                                 "and flat 'parameters'")


def _tasks(ctx: CheckContext, root: MappingNode) -> Iterator[Diagnostic]:
    for task in ctx.view.all_tasks():
        refs_key = task.key("permission_set_refs") or task.key("permission_set_ref")
        if refs_key is not None:
            value = task.get(str(refs_key.value))
            if isinstance(value, ScalarNode) and value.value is None:
                yield NULL_PERMISSION_SETS.at(ctx.path, value.span if value.text else refs_key.span,
                                              f"explicit null {refs_key.value!r} is read as 'inherit' by most platform "
                                              "versions and as 'none' by one",
                                              "write [] to issue no token, or remove the key to inherit")
        for field in LEGACY_TRANSITIONS:
            value = task.get(field)
            if not isinstance(value, SequenceNode):
                continue
            for element in value.items:
                do = element.get("do") if isinstance(element, MappingNode) else None
                if isinstance(do, SequenceNode) and any(isinstance(i, MappingNode) for i in do.items):
                    yield NESTED_DECISION.at(ctx.path, head_span(do),
                                             "a decision list nested inside 'do' has no equivalent in Attune: "
                                             "'do' takes task names only",
                                             "write each branch as its own 'next' transition with the combined condition")
        if task.name is not None and "-" in task.name and task.name_node is not None:
            yield HYPHEN_TASK_NAME.at(ctx.path, task.name_node.span,
                                      f"task name {task.name!r} has '-': in templates task.{task.name} is a subtraction",
                                      f"write task[\"{task.name}\"] in templates, or rename it {task.name.replace('-', '_')!r}")
