"""Templates: the syntax of every string the platform renders (attune-format.md §4.5).

The platform's own expression validator looks only at some fields of top-level tasks; the
scheduler renders many more (``output_map``, ``timeout``, placement fields, sub-tasks…),
where a broken template fails or, in ``output_map``, silently drops its key. So every
rendered string is parsed here with the grammar of ``attune_lint.expressions`` and each
error is reported at the exact character of the file, whatever the scalar style.

``expressions_of`` is shared with the name rules (``expression_names``), and both walk
the same ``check.workflow_view.rendered_strings``, so they look at exactly the same strings.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Iterator

from attune_lint.check.context import CheckContext
from attune_lint.check.workflow_view import TASK_WHEN, TRANSITION_WHEN, WAIT_FOR, RenderedString, rendered_strings
from attune_lint.diagnostics import Diagnostic, Severity, Span
from attune_lint.expressions import ParseResult, find_blocks, find_unclosed, is_pure_template, try_parse
from attune_lint.document.scalar_map import ScalarMap, map_scalar
from attune_lint.document.tree import ScalarNode
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

@dataclass(frozen=True)
class Expression:
    """One expression of a rendered string: a ``{{ }}`` block's inside, or a bare ``when``."""

    text: str
    offset: int  # of text[0] in the scalar's value
    result: ParseResult

    def value_offset(self, expr_offset: int) -> int:
        return self.offset + expr_offset


# The memos below (by text) hold at most 4,096 entries each; a text longer than this is
# computed each time instead, or a repository of long distinct strings would keep them all.
MEMO_TEXT = 512


def parse_cached(text: str) -> ParseResult:
    """try_parse, remembered for short texts: templates and name rules parse the same strings."""
    return _parse_memo(text) if len(text) <= MEMO_TEXT else try_parse(text)


@lru_cache(maxsize=4096)
def _parse_memo(text: str) -> ParseResult:
    return try_parse(text)


def rendered_expressions(ctx: CheckContext) -> list[tuple[RenderedString, tuple[Expression, ...]]]:
    """Every string of the file that the platform renders, with its expressions: found and
    parsed once per file for the template rules and the name rules."""
    return ctx.shared("rendered_expressions",
                      lambda: [(rendered, expressions_of(rendered)) for rendered in rendered_strings(ctx.view)])


def expressions_of(rendered: RenderedString) -> tuple[Expression, ...]:
    value = rendered.value
    if len(value) > MEMO_TEXT:
        return _expressions.__wrapped__(value, rendered.bare_expression)
    return _expressions(value, rendered.bare_expression)


@lru_cache(maxsize=4096)
def _expressions(value: str, bare: bool) -> tuple[Expression, ...]:
    """The expressions of a string, remembered: the same conditions and templates recur in
    every workflow of a repository ("{{ succeeded() }}"), and Expressions never change."""
    if bare:
        return (Expression(value, 0, parse_cached(value)),)
    return tuple(Expression(b.expression, b.expr_start, parse_cached(b.expression)) for b in find_blocks(value))


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
    for rendered, expressions in rendered_expressions(ctx):
        value = rendered.value
        may_find = _may_find if len(value) <= MEMO_TEXT else _may_find.__wrapped__
        if may_find(value, rendered.role, rendered.bare_expression):
            found.extend(check_string(ctx.path, ctx.source.text, rendered, expressions))
    return found


@lru_cache(maxsize=4096)
def _may_find(value: str, role: str, bare: bool) -> bool:
    """Whether ``check_string`` finds anything in a string of this text, role and kind: what
    it reports depends on these alone (and most strings, the same few conditions in every
    workflow, have nothing to report)."""
    if role == WAIT_FOR and not is_pure_template(value):
        return True
    expressions = _expressions(value, bare) if len(value) <= MEMO_TEXT else _expressions.__wrapped__(value, bare)
    if role in (TASK_WHEN, TRANSITION_WHEN) and not bare and expressions and not is_pure_template(value):
        return True
    if any(expression.result.error is not None for expression in expressions):
        return True
    if bare:
        return False
    statement = value.find("{%")
    return find_unclosed(value) is not None or (statement >= 0 and value.find("%}", statement + 2) >= 0)


def check_string(path: str, source_text: str, rendered: RenderedString,
                 expressions: tuple[Expression, ...]) -> Iterator[Diagnostic]:
    """The template findings of one rendered string (``expressions``: its ``expressions_of``)."""
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
