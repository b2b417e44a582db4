"""Templates: the syntax of every string the platform renders (attune-format.md §4.5).

The platform's own expression validator looks only at some fields of top-level tasks; the
scheduler renders many more (``output_map``, ``timeout``, placement fields, sub-tasks…),
where a broken template fails or, in ``output_map``, silently drops its key. So every
rendered string is parsed here with the grammar of ``attune_lint.expressions`` and each
error is reported at the exact character of the file, whatever the scalar style.

``rendered_strings`` and ``expressions_of`` are shared with the name rules
(``expression_names``), so both families look at exactly the same strings.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Iterator, TypeGuard

from attune_lint.check.context import CheckContext
from attune_lint.diagnostics import Diagnostic, Severity, Span
from attune_lint.expressions import ParseResult, find_blocks, find_unclosed, is_pure_template, try_parse
from attune_lint.document.scalar_map import ScalarMap, map_scalar
from attune_lint.document.tree import AnyNode, MappingNode, ScalarNode, SequenceNode
from attune_lint.rule import Rule

TEMPLATE_SYNTAX = Rule(
    "AL401", "template-syntax", Severity.ERROR,
    "A template expression does not parse.",
    """
    Attune parses every ``{{ }}`` block with its own small expression language, not Jinja.
    A block that does not parse fails the task at run time (in ``output_map`` the key is
    silently left out of the workflow result).

    FAIL:
        input:
          count: "{{ length(parameters.hosts }}"
    PASS:
        input:
          count: "{{ length(parameters.hosts) }}"
    """,
)
JINJA_FILTER = Rule(
    "AL402", "jinja-filter", Severity.ERROR,
    "A Jinja filter (``x | filter``) is used; Attune calls functions instead.",
    """
    ``|`` is not an operator of Attune's expression language: the tokenizer fails. Call the
    function with the filtered value as first argument.

    FAIL:
        message: "{{ parameters.hosts | length }} host(s)"
    PASS:
        message: "{{ length(parameters.hosts) }} host(s)"
    """,
)
CONDITIONAL_EXPRESSION = Rule(
    "AL403", "conditional-expression", Severity.ERROR,
    "A ternary ``c ? a : b`` or Python ``a if c else b`` is used; Attune has neither.",
    """
    Attune has no conditional expression. Branch with ``next`` transitions and their
    ``when``, publishing the value on each branch, or compute it in an action.

    FAIL:
        publish:
          - outcome: "{{ 'ok' if succeeded() else 'failed' }}"
    PASS:
        next:
          - when: "{{ succeeded() }}"
            publish: [{outcome: ok}]
          - when: "{{ failed() }}"
            publish: [{outcome: failed}]
    """,
)
UNSUPPORTED_OPERATOR = Rule(
    "AL404", "unsupported-operator", Severity.ERROR,
    "An operator from another language (``&&``, ``||``, ``!``, ``=``, ``~``) is used.",
    """
    Attune writes ``and``, ``or``, ``not`` and ``==``, and concatenates with ``+``.

    FAIL:
        when: "{{ succeeded() && parameters.notify }}"
    PASS:
        when: "{{ succeeded() and parameters.notify }}"
    """,
)
METHOD_CALL = Rule(
    "AL405", "method-call", Severity.ERROR,
    "A method is called on a value (``x.upper()``); only functions called by name exist.",
    """
    Function calls are allowed on a bare name only. Pass the object as the first argument.

    FAIL:
        name: "{{ parameters.service.upper() }}"
    PASS:
        name: "{{ upper(parameters.service) }}"
    """,
)
KEYWORD_ARGUMENT = Rule(
    "AL406", "keyword-argument", Severity.ERROR,
    "A function is called with a keyword argument (``f(start=1)``).",
    """
    Arguments are positional only, in the order of the function's signature.

    FAIL:
        hosts: "{{ slice(parameters.hosts, start=1) }}"
    PASS:
        hosts: "{{ slice(parameters.hosts, 1) }}"
    """,
)
OBJECT_LITERAL = Rule(
    "AL407", "object-literal", Severity.ERROR,
    "An object literal ``{...}`` is written inside an expression.",
    """
    Expressions have array literals but no object literals. Write the object as a YAML
    mapping whose values are templates, or combine existing objects with ``merge(a, b)``.

    FAIL:
        labels: "{{ {'env': parameters.env} }}"
    PASS:
        labels:
          env: "{{ parameters.env }}"
    """,
)
UNCLOSED_TEMPLATE = Rule(
    "AL408", "unclosed-template", Severity.WARNING,
    "A ``{{`` has no closing ``}}``, so it and everything after it render literally.",
    """
    The platform leaves an unclosed ``{{`` as literal text: no error, but the value is not
    what was meant.

    FAIL:
        message: "Deploying {{ parameters.service"
    PASS:
        message: "Deploying {{ parameters.service }}"
    """,
)
WAIT_FOR_NOT_PURE = Rule(
    "AL409", "wait-for-not-pure-template", Severity.ERROR,
    "A ``wait_for`` target string is not a pure template ``\"{{ expr }}\"``.",
    """
    The parser accepts a positive integer or a string that is exactly one ``{{ expr }}``
    block; any other text fails the whole file.

    FAIL:
        wait_for:
          inquiry: "id-{{ task.ask.inquiry_id }}"
    PASS:
        wait_for:
          inquiry: "{{ task.ask.inquiry_id }}"
    """,
)
JINJA_STATEMENT = Rule(
    "AL410", "jinja-statement", Severity.WARNING,
    "A Jinja statement block ``{% ... %}`` is written; Attune renders it as literal text.",
    """
    Only ``{{ }}`` blocks mean something to Attune; ``{% if %}``/``{% for %}`` stay in the
    value as written. Branch with ``next`` transitions or loop with ``with_items``.

    FAIL:
        message: "{% if parameters.dry_run %}dry run{% endif %}"
    PASS:
        next:
          - when: "{{ parameters.dry_run }}"
            do: [announce_dry_run]
    """,
)

WHEN_NOT_PURE = Rule(
    "AL411", "when-not-pure-template", Severity.WARNING,
    "A ``when`` mixes text and templates, so it renders a string that is almost always true.",
    """
    A ``when`` that is not one expression is rendered as text and then read as a boolean:
    only ``true/1/yes`` and ``false/0/no/""`` mean something, any other text (such as
    ``"true and false"``) counts as true. Write the whole condition as one expression.

    FAIL:
        when: "{{ succeeded() }} and {{ parameters.notify }}"
    PASS:
        when: "{{ succeeded() and parameters.notify }}"
    """,
)

RULES = (TEMPLATE_SYNTAX, JINJA_FILTER, CONDITIONAL_EXPRESSION, UNSUPPORTED_OPERATOR, METHOD_CALL,
         KEYWORD_ARGUMENT, OBJECT_LITERAL, UNCLOSED_TEMPLATE, WAIT_FOR_NOT_PURE, JINJA_STATEMENT, WHEN_NOT_PURE)

# ExpressionError.construct → the rule that reports it; anything else is plain syntax.
_CONSTRUCT_RULES: dict[str, Rule] = {
    "jinja-filter": JINJA_FILTER,
    "ternary": CONDITIONAL_EXPRESSION,
    "inline-if": CONDITIONAL_EXPRESSION,
    "double-pipe": UNSUPPORTED_OPERATOR,
    "double-ampersand": UNSUPPORTED_OPERATOR,
    "bang": UNSUPPORTED_OPERATOR,
    "single-equals": UNSUPPORTED_OPERATOR,
    "tilde": UNSUPPORTED_OPERATOR,
    "method-call": METHOD_CALL,
    "call-on-expression": METHOD_CALL,
    "keyword-argument": KEYWORD_ARGUMENT,
    "object-literal": OBJECT_LITERAL,
}

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
LEGACY_TRANSITION_FIELDS = ("on_success", "on_failure", "on_complete", "on_timeout")


@dataclass(frozen=True)
class TaskScope:
    """The task a rendered string belongs to."""

    node: MappingNode
    name: str | None
    parent: "TaskScope | None" = None

    @property
    def iterates(self) -> bool:
        return self.node.get("with_items") is not None or self.node.get("iterate_cache") is not None


@dataclass(frozen=True)
class RenderedString:
    """A string scalar the platform renders, with what it belongs to."""

    node: ScalarNode
    role: str  # INPUT, TRANSITION_WHEN, … (see the constants above)
    where: str  # human path, e.g. "tasks[1].next[0].when"
    task: TaskScope | None = None  # None for output_map

    @property
    def value(self) -> str:
        return self.node.value if isinstance(self.node.value, str) else ""

    @property
    def bare_expression(self) -> bool:
        """A ``when`` without any ``{{``: the platform evaluates the whole string."""
        return self.role in (TASK_WHEN, TRANSITION_WHEN) and "{{" not in self.value and bool(self.value.strip())


@dataclass(frozen=True)
class Expression:
    """One expression of a rendered string: a ``{{ }}`` block's inside, or a bare ``when``."""

    text: str
    offset: int  # of text[0] in the scalar's value
    result: ParseResult

    def value_offset(self, expr_offset: int) -> int:
        return self.offset + expr_offset


@lru_cache(maxsize=4096)
def parse_cached(text: str) -> ParseResult:
    """try_parse, remembered: templates and name rules parse the same strings."""
    return try_parse(text)


def expressions_of(rendered: RenderedString) -> list[Expression]:
    value = rendered.value
    if rendered.bare_expression:
        return [Expression(value, 0, parse_cached(value))]
    return [Expression(b.expression, b.expr_start, parse_cached(b.expression)) for b in find_blocks(value)]


# -- which strings are rendered -------------------------------------------------------------

def rendered_strings(root: MappingNode) -> Iterator[RenderedString]:
    """Every string of a workflow file that the platform renders, in file order per task.

    Not ``vars`` (initial values are used literally) and not ``__chart_meta__``.
    """
    tasks = root.get("tasks")
    if isinstance(tasks, SequenceNode):
        yield from _task_list(tasks, "tasks", None)
    output_map = root.get("output_map")
    if isinstance(output_map, MappingNode):
        for key, value in output_map.items():
            if _is_string(value):
                yield RenderedString(value, OUTPUT_MAP, f"output_map.{key.value}")


def _task_list(tasks: SequenceNode, where: str, parent: TaskScope | None) -> Iterator[RenderedString]:
    for index, task in enumerate(tasks.items):
        if isinstance(task, MappingNode):
            name = task.get("name")
            scope = TaskScope(task, str(name.value) if isinstance(name, ScalarNode) and name.value is not None
                              else None, parent)
            yield from _task(task, f"{where}[{index}]", scope)


def _task(task: MappingNode, where: str, scope: TaskScope) -> Iterator[RenderedString]:
    for key, value in task.items():
        name = key.value
        here = f"{where}.{name}"
        if name == "input":
            yield from _strings_in(value, INPUT, here, scope)
        elif name in ("when", "with_items", "timeout", "trace_tag_template"):
            role = {"when": TASK_WHEN, "with_items": WITH_ITEMS, "timeout": TIMEOUT,
                    "trace_tag_template": TRACE_TAG}[name]
            if _is_string(value):
                yield RenderedString(value, role, here, scope)
        elif name in PLACEMENT_FIELDS:
            yield from _strings_in(value, PLACEMENT, here, scope)
        elif name in ("permission_set_refs", "permission_set_ref"):
            yield from _strings_in(value, PERMISSIONS, here, scope)
        elif name == "iterate_cache" and isinstance(value, MappingNode):
            for field_name in ITERATE_CACHE_FIELDS:
                sub = value.get(field_name)
                if _is_string(sub):
                    yield RenderedString(sub, ITERATE_CACHE, f"{here}.{field_name}", scope)
        elif name == "wait_for" and isinstance(value, MappingNode):
            for target_key, target in value.items():
                if _is_string(target):
                    yield RenderedString(target, WAIT_FOR, f"{here}.{target_key.value}", scope)
        elif name == "next" and isinstance(value, SequenceNode):
            for i, element in enumerate(value.items):
                if isinstance(element, MappingNode):
                    yield from _transition(element, f"{here}[{i}]", scope)
        elif name == "publish":
            yield from _publish(value, here, scope)
        elif name == "decision" and isinstance(value, SequenceNode):
            for i, branch in enumerate(value.items):
                branch_when = branch.get("when") if isinstance(branch, MappingNode) else None
                if _is_string(branch_when):
                    yield RenderedString(branch_when, TRANSITION_WHEN, f"{here}[{i}].when", scope)
        elif name in LEGACY_TRANSITION_FIELDS:
            # The list-of-{when, do} form is not Attune (the structure rules say so), but its
            # conditions are still meant as expressions: check them too.
            yield from _legacy_whens(value, here, scope)
        elif name == "tasks" and isinstance(value, SequenceNode):
            yield from _task_list(value, here, scope)


def _transition(element: MappingNode, where: str, scope: TaskScope) -> Iterator[RenderedString]:
    when = element.get("when")
    if _is_string(when):
        yield RenderedString(when, TRANSITION_WHEN, f"{where}.when", scope)
    yield from _publish(element.get("publish"), f"{where}.publish", scope)


def _publish(node: AnyNode | None, where: str, scope: TaskScope) -> Iterator[RenderedString]:
    if not isinstance(node, SequenceNode):
        return
    for i, directive in enumerate(node.items):
        if isinstance(directive, MappingNode):
            for key, value in directive.items():
                yield from _strings_in(value, PUBLISH, f"{where}[{i}].{key.value}", scope)


def _legacy_whens(node: AnyNode | None, where: str, scope: TaskScope) -> Iterator[RenderedString]:
    if not isinstance(node, SequenceNode):
        return
    for i, element in enumerate(node.items):
        if isinstance(element, MappingNode):
            when = element.get("when")
            if _is_string(when):
                yield RenderedString(when, TRANSITION_WHEN, f"{where}[{i}].when", scope)
            yield from _legacy_whens(element.get("do"), f"{where}[{i}].do", scope)


def _strings_in(node: AnyNode | None, role: str, where: str, scope: TaskScope) -> Iterator[RenderedString]:
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


# -- positions ------------------------------------------------------------------------------

@dataclass
class Locator:
    """File spans of a scalar's characters; the (re-scanning) map is built on first use."""

    source_text: str
    node: ScalarNode
    _map: ScalarMap | None = field(default=None, init=False)

    def span(self, start: int, end: int) -> Span:
        if self._map is None:
            self._map = map_scalar(self.source_text, self.node)
        return self._map.span(start, end)


# -- the checks -----------------------------------------------------------------------------

def check(ctx: CheckContext) -> Iterable[Diagnostic]:
    if not ctx.is_workflow or ctx.root is None or ctx.source is None:
        return []
    found: list[Diagnostic] = []
    for rendered in rendered_strings(ctx.root):
        found.extend(check_string(ctx.path, ctx.source.text, rendered))
    return found


def check_string(path: str, source_text: str, rendered: RenderedString) -> Iterator[Diagnostic]:
    value = rendered.value
    where = Locator(source_text, rendered.node)
    if rendered.role == WAIT_FOR and not is_pure_template(value):
        yield WAIT_FOR_NOT_PURE.at(
            path, rendered.node.span,
            f"'{rendered.where}' must be a positive integer or exactly one '{{{{ expr }}}}' block, "
            f"not {value!r}",
            "write the whole value as one template, e.g. \"{{ task.ask.inquiry_id }}\" "
            "(or an unquoted positive integer)")
        return
    expressions = expressions_of(rendered)
    if (rendered.role in (TASK_WHEN, TRANSITION_WHEN) and not rendered.bare_expression and expressions
            and not is_pure_template(value)):
        yield WHEN_NOT_PURE.at(
            path, rendered.node.span,
            f"'{rendered.where}' is text around templates, not one expression: it renders a string "
            "that counts as true unless it is exactly true/1/yes or false/0/no/empty",
            "write the whole condition inside one block: \"{{ a and b }}\"")
    for expression in expressions:
        error = expression.result.error
        if error is None:
            continue
        rule = _CONSTRUCT_RULES.get(error.construct, TEMPLATE_SYNTAX)
        context = "bare 'when' expression" if rendered.bare_expression else "template"
        yield rule.at(path, where.span(expression.value_offset(error.start), expression.value_offset(error.end)),
                      f"{error.message} (in the {context} of '{rendered.where}')", error.suggestion)
    if rendered.bare_expression:
        return
    unclosed = find_unclosed(value)
    if unclosed is not None:
        yield UNCLOSED_TEMPLATE.at(
            path, where.span(unclosed, unclosed + 2),
            f"'{{{{' is never closed in '{rendered.where}', so it renders as literal text",
            "add the closing '}}'")
    statement = value.find("{%")
    if statement >= 0 and value.find("%}", statement + 2) >= 0:
        yield JINJA_STATEMENT.at(
            path, where.span(statement, statement + 2),
            f"'{{% ... %}}' in '{rendered.where}' is a Jinja statement; Attune renders it as literal text",
            "branch with next/when transitions, loop with with_items, or compute the text in an action")
