"""Names in expressions: functions, parameters, variables, tasks, loop variables, legacy forms.

Looks at the expressions that parse (``templates`` reports those that do not), in exactly
the strings ``check.workflow_view.rendered_strings`` finds. What is in scope (attune-format.md §4.5):

* ``parameters.X``: the linking action's ``parameters`` for an action-linked graph (else the
  graph's own), the file's own for a standalone workflow. A graph with no linking action and
  no ``parameters`` of its own is not checked: its parameters are unknown.
* ``workflow.X`` (aliases ``vars``/``variables``, and a bare ``X``): a ``vars`` key or a
  name some publish sets, anywhere in the file.
* ``task.X`` (alias ``tasks``): any task name, top-level or sub-task.
* ``inquiry.X``: a task with ``wait_for``.
* ``item``/``index``: only inside a task that iterates (``with_items``/``iterate_cache``), in
  the strings rendered once per item: ``input`` and the task's other per-child fields. Not in
  ``with_items``/``iterate_cache`` themselves (the item does not exist yet: error), and not in
  the task's transitions, which run once after all items (warning: there is no current item).
* Workflow functions (``result() succeeded() failed() timed_out()``) answer for the task
  that just finished, so they belong in transition ``when``s and publishes.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Iterator

from attune_lint.check.context import CheckContext
from attune_lint.diagnostics import Diagnostic, Severity, Span
from attune_lint.expressions import FUNCTIONS, NAMESPACES, CallRef, Reference, arity_problem, collect, name_hint, unknown_function_hint
from attune_lint.expressions.names import Names
from attune_lint.document.tree import AnyNode, MappingNode, ScalarNode, SequenceNode
from attune_lint.rule import Rule
from attune_lint.spelling import IDENTIFIER_CUTOFF, closest
from attune_lint.check.workflow_view import ITERATE_CACHE, OUTPUT_MAP, TRANSITION_ROLES, WITH_ITEMS, RenderedString
from attune_lint.rules.templates import MEMO_TEXT, Expression, Locator, parse_cached, rendered_expressions

UNKNOWN_FUNCTION = Rule(
    "AL450", "unknown-function", Severity.ERROR,
    "An expression calls a function Attune does not have.",
    """
    Unknown functions parse but fail at run time. Attune has no ``now()``, ``uuid()``,
    ``default()``, ``first()``…; the message says what to write instead. The functions are
    ``string number int bool type_of length keys values abs floor ceil round min max sum
    lower upper trim split join replace starts_with ends_with match contains reversed sort
    unique flat zip range slice index_of count merge chunks`` and, in transitions,
    ``result succeeded failed timed_out``.

    FAIL:
        started_at: "{{ now() }}"
    PASS:
        started_at: "{{ system.workflow_start }}"
    """,
)
FUNCTION_ARITY = Rule(
    "AL451", "function-arity", Severity.ERROR,
    "A function is called with the wrong number of arguments.",
    """
    The evaluator checks argument counts at run time and fails the task.

    FAIL:
        names: "{{ join(parameters.hosts) }}"
    PASS:
        names: "{{ join(parameters.hosts, ', ') }}"
    """,
)
UNKNOWN_NAME = Rule(
    "AL452", "unknown-name", Severity.ERROR,
    "An expression reads a top-level name that is neither a namespace nor a workflow variable.",
    """
    A bare name that is not a namespace (``parameters``, ``workflow``, ``task``…) falls back
    to a workflow variable of that name; when there is none, rendering fails
    (``VariableNotFound``).

    FAIL:
        message: "Deploying {{ service }}"
    PASS:
        message: "Deploying {{ parameters.service }}"
    """,
)
UNDECLARED_PARAMETER = Rule(
    "AL453", "undeclared-parameter", Severity.ERROR,
    "``parameters.X`` names a parameter the workflow does not declare.",
    """
    An action-linked graph takes its parameters from the action YAML that points at it; a
    standalone workflow declares them itself.

    An **error** when the workflow declares parameters: a name outside them is most likely a
    typo, and reading it fails at run time unless the caller happens to pass it.

    A **warning** when the workflow declares none: Attune's API does not check execution
    inputs (no parameter schema means no validation, and the schema it builds from flat
    parameters never forbids extra keys), so it forwards undeclared inputs and the workflow
    works whenever the caller passes the value. Declare it anyway, so callers see it.

    FAIL:
        parameters:
          target: {type: string, required: true}
        tasks:
          - name: report
            action: core.echo
            input:
              message: "Done in {{ parameters.region }}"
    PASS:
        parameters:
          target: {type: string, required: true}
        tasks:
          - name: report
            action: core.echo
            input:
              message: "Done on {{ parameters.target }}"
    """,
)
UNKNOWN_VARIABLE = Rule(
    "AL454", "unknown-workflow-variable", Severity.ERROR,
    "``workflow.X`` names a variable that neither ``vars`` nor any publish sets.",
    """
    Workflow variables come from ``vars`` and from publishes; reading one that nothing sets
    fails at run time.

    FAIL:
        vars: {status: pending}
        tasks:
          - name: report
            action: core.echo
            input:
              message: "{{ workflow.stauts }}"
    PASS:
        vars: {status: pending}
        tasks:
          - name: report
            action: core.echo
            input:
              message: "{{ workflow.status }}"
    """,
)
UNKNOWN_TASK = Rule(
    "AL455", "unknown-task-reference", Severity.ERROR,
    "``task.X`` names no task of the workflow.",
    """
    Task results are read by task name. A hyphenated name must be indexed:
    ``task["my-task"]`` (``task.my-task`` is a subtraction).

    FAIL:
        tasks:
          - name: check
            action: core.echo
            next: [{do: [report]}]
          - name: report
            action: core.echo
            input:
              message: "{{ task.chek.result }}"
    PASS:
        tasks:
          - name: check
            action: core.echo
            next: [{do: [report]}]
          - name: report
            action: core.echo
            input:
              message: "{{ task.check.result }}"
    """,
)
LOOP_VARIABLE_OUTSIDE = Rule(
    "AL456", "loop-variable-outside-iteration", Severity.ERROR,
    "``item`` or ``index`` is read where no iteration provides it.",
    """
    ``item`` and ``index`` exist only while an iterating task (``with_items`` or
    ``iterate_cache``) renders the fields of one child: its ``input`` and its other
    per-child fields. Not in other tasks, not in ``output_map``, not in ``with_items`` itself.

    FAIL:
        - name: report
          action: core.echo
          input: {message: "{{ item }}"}
    PASS:
        - name: report
          action: core.echo
          with_items: "{{ parameters.hosts }}"
          input: {message: "{{ item }}"}
    """,
)
LOOP_VARIABLE_IN_TRANSITION = Rule(
    "AL457", "loop-variable-in-transition", Severity.WARNING,
    "``item`` or ``index`` is read in a transition of an iterating task.",
    """
    Transitions of an iterating task are evaluated once, after all items, so there is no
    current item. Read the collected results instead (``task.X.items``) or publish in the
    child action.

    FAIL:
        with_items: "{{ parameters.hosts }}"
        next:
          - publish: [{last: "{{ item }}"}]
    PASS:
        next:
          - publish: [{checked: "{{ length(task.check_hosts.items) }}"}]
    """,
)
INQUIRY_WITHOUT_WAIT = Rule(
    "AL458", "inquiry-without-wait-for", Severity.ERROR,
    "``inquiry.X`` names a task that has no ``wait_for``.",
    """
    ``inquiry.<task>.response`` exists only for a task released by ``wait_for``.

    FAIL:
        - name: ask
          action: core.echo
          next: [{do: [guarded]}]
        - name: guarded
          action: core.echo
          next:
            - when: "{{ inquiry.guarded.response.approved }}"
              do: [deploy]
        - name: deploy
          action: core.echo
    PASS:
        - name: ask
          action: core.echo
          next: [{do: [guarded]}]
        - name: guarded
          action: core.echo
          wait_for: {inquiry: "{{ task.ask.inquiry_id }}"}
          next:
            - when: "{{ inquiry.guarded.response.approved }}"
              do: [deploy]
        - name: deploy
          action: core.echo
    """,
)
WORKFLOW_FUNCTION_PLACE = Rule(
    "AL459", "workflow-function-out-of-place", Severity.WARNING,
    "``result()``, ``succeeded()``, ``failed()`` or ``timed_out()`` is used outside a transition.",
    """
    These functions answer for the task that just finished, which only exists while its
    transitions (``when`` and ``publish``) are evaluated. Elsewhere read ``task.X``.

    FAIL:
        input: {previous: "{{ result() }}"}
    PASS:
        input: {previous: "{{ task.fetch }}"}
    """,
)
LEGACY_PACK_CONFIG = Rule(
    "AL460", "legacy-pack-config", Severity.WARNING,
    "``pack.config.X`` is old syntax; pack configuration is ``config.X``.",
    """
    FAIL:
        channel: "{{ pack.config.channel }}"
    PASS:
        channel: "{{ config.channel }}"
    """,
)
LEGACY_SYSTEM = Rule(
    "AL461", "legacy-system-field", Severity.WARNING,
    "``system.X`` other than ``system.workflow_start`` does not exist any more.",
    """
    Only ``system.workflow_start`` is provided; other ``system`` fields fail at run time.

    FAIL:
        started: "{{ system.timestamp }}"
    PASS:
        started: "{{ system.workflow_start }}"
    """,
)
LEGACY_VARIABLE_ALIAS = Rule(
    "AL462", "legacy-variable-alias", Severity.WARNING,
    "``vars.X``/``variables.X`` are aliases; write ``workflow.X``.",
    """
    FAIL:
        message: "{{ vars.status }}"
    PASS:
        message: "{{ workflow.status }}"
    """,
)
LEGACY_TASKS_ALIAS = Rule(
    "AL463", "legacy-tasks-alias", Severity.WARNING,
    "``tasks.X`` is an alias; write ``task.X``.",
    """
    FAIL:
        message: "{{ tasks.check.healthy }}"
    PASS:
        message: "{{ task.check.healthy }}"
    """,
)
BARE_VARIABLE = Rule(
    "AL464", "bare-variable-name", Severity.WARNING,
    "A workflow variable is read by its bare name; write ``workflow.X``.",
    """
    Bare names fall back to workflow variables, but a later namespace of the same name (or
    a typo) changes the meaning silently.

    FAIL:
        vars: {status: pending}
        tasks:
          - name: report
            action: core.echo
            input:
              message: "{{ status }}"
    PASS:
        vars: {status: pending}
        tasks:
          - name: report
            action: core.echo
            input:
              message: "{{ workflow.status }}"
    """,
)
KEYSTORE_DOT = Rule(
    "AL465", "keystore-dot-form", Severity.WARNING,
    "``keystore.x`` (or a bare ``keystore``) is read; the accepted form is ``keystore[\"pack.key\"]``.",
    """
    The newest dependency check rejects ``keystore`` and ``keystore.x``: a key is selected by
    its full ref as a non-empty string index.

    FAIL:
        password: "{{ keystore.db_password }}"
    PASS:
        password: "{{ keystore[\\"acme.db_password\\"] }}"
    """,
)

RULES = (UNKNOWN_FUNCTION, FUNCTION_ARITY, UNKNOWN_NAME, UNDECLARED_PARAMETER, UNKNOWN_VARIABLE, UNKNOWN_TASK,
         LOOP_VARIABLE_OUTSIDE, LOOP_VARIABLE_IN_TRANSITION, INQUIRY_WITHOUT_WAIT, WORKFLOW_FUNCTION_PLACE,
         LEGACY_PACK_CONFIG, LEGACY_SYSTEM, LEGACY_VARIABLE_ALIAS, LEGACY_TASKS_ALIAS, BARE_VARIABLE, KEYSTORE_DOT)

VARIABLE_NAMESPACES = ("workflow", "vars", "variables")
SpanOf = Callable[[int, int], Span]  # expression offsets → file span
LOOP_VARIABLES = ("item", "index")


@dataclass
class Scope:
    """What the expressions of one workflow file can name."""

    parameters: set[str] | None  # None: unknown, not checked
    parameters_source: str
    variables: set[str]
    tasks: list[str]
    waiting_tasks: set[str]
    pack_ref: str = "<pack>"


def check(ctx: CheckContext) -> Iterable[Diagnostic]:
    if not ctx.is_workflow or ctx.root is None or ctx.source is None:
        return []
    scope = build_scope(ctx)
    found: list[Diagnostic] = []
    for rendered, expressions in rendered_expressions(ctx):
        where = Locator(ctx.source.text, rendered.node)
        for expression in expressions:
            if expression.result.expr is None:
                continue
            found.extend(_check_expression(ctx.path, scope, rendered, expression, where))
    return found


def build_scope(ctx: CheckContext) -> Scope:
    root = ctx.root
    assert root is not None
    view = ctx.view
    variables = view.var_names() | view.published_names() | _list_vars(root.get("vars"))
    tasks: list[str] = []
    waiting: set[str] = set()
    for task in view.all_tasks():
        if task.name is not None:
            tasks.append(task.name)
            if task.get("wait_for") is not None:
                waiting.add(task.name)
    parameters, source = _parameters(ctx)
    return Scope(parameters, source, variables, tasks, waiting, ctx.pack.ref if ctx.pack is not None else "<pack>")


def _list_vars(node: AnyNode | None) -> set[str]:
    """Names of a ``vars`` written as a list of one-key maps (a parse error the structure
    rules report; the names are still what the author meant to define)."""
    names: set[str] = set()
    if isinstance(node, SequenceNode):
        for item in node.items:
            if isinstance(item, MappingNode):
                names.update(str(k.value) for k, _ in item.items())
            elif isinstance(item, ScalarNode) and isinstance(item.value, str):
                names.add(item.value)
    return names


def _parameters(ctx: CheckContext) -> tuple[set[str] | None, str]:
    own = ctx.root.get("parameters") if ctx.root is not None else None
    if ctx.kind == "graph":
        action = ctx.linking_action
        if action is not None and action.data.get("parameters") is not None:
            return parameter_names(action.data["parameters"]), f"the action {action.path.name}"
        if own is not None:
            return _names_of_node(own), "the graph's own 'parameters'"
        if action is not None:
            return set(), f"the action {action.path.name} (it declares none)"
        return None, ""
    if own is None:
        return set(), "this file (it declares none)"
    return _names_of_node(own), "this file's 'parameters'"


def _names_of_node(node: AnyNode) -> set[str] | None:
    from attune_lint.document.tree import to_python

    return parameter_names(to_python(node))


def parameter_names(schema: object) -> set[str] | None:
    """Declared parameter names, flat style or JSON-Schema style (None: not understood)."""
    if schema is None:
        return set()
    if isinstance(schema, dict):
        names = {str(k) for k in schema}
        properties = schema.get("properties")
        if schema.get("type") == "object" and isinstance(properties, dict):
            names |= {str(k) for k in properties}  # both kept: precision over recall
        return names
    if isinstance(schema, list):  # Orquesta-style list of names or one-key maps
        names = set()
        for item in schema:
            if isinstance(item, str):
                names.add(item)
            elif isinstance(item, dict):
                names.update(str(k) for k in item)
        return names
    return None


def _did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    return closest(name, candidates, IDENTIFIER_CUTOFF)


@lru_cache(maxsize=4096)
def _names_of(text: str) -> Names:
    """The names an expression reads and calls, remembered by its text (the same conditions
    recur in every workflow); only read, never changed."""
    expr = parse_cached(text).expr
    assert expr is not None
    return collect(expr)


def _check_expression(path: str, scope: Scope, rendered: RenderedString, expression: Expression,
                      where: Locator) -> Iterator[Diagnostic]:
    assert expression.result.expr is not None
    names = _names_of(expression.text) if len(expression.text) <= MEMO_TEXT else collect(expression.result.expr)

    def span(start: int, end: int) -> Span:
        return where.span(expression.value_offset(start), expression.value_offset(end))

    text = expression.text
    for call in names.calls:
        yield from _check_call(path, rendered, call, span)
    skip_until = -1
    for ref in names.references:
        if ref.start < skip_until:
            continue  # the 'task.ok' half of 'task.my-task.ok', already reported as one mistake
        skip_until = _hyphenated_task_end(ref, scope.tasks, text)
        yield from _check_reference(path, scope, rendered, ref, span, text)


def _check_call(path: str, rendered: RenderedString, call: CallRef, span: SpanOf) -> Iterator[Diagnostic]:
    spec = FUNCTIONS.get(call.name)
    if spec is None:
        hint = unknown_function_hint(call.name)
        if hint is None:
            match = _did_you_mean(call.name, FUNCTIONS)
            hint = f"did you mean {match}()?" if match else "'attune-lint explain AL450' lists the functions Attune has"
        yield UNKNOWN_FUNCTION.at(path, span(call.start, call.end),
                                  f"unknown function {call.name}() in '{rendered.where}'", hint)
        return
    problem = arity_problem(call.name, call.arg_count)
    if problem is not None:
        yield FUNCTION_ARITY.at(path, span(call.start, call.call_end), f"{problem} in '{rendered.where}'")
    if spec.workflow and rendered.role not in TRANSITION_ROLES:
        yield WORKFLOW_FUNCTION_PLACE.at(
            path, span(call.start, call.call_end),
            f"{call.name}() answers for the task that just finished; in '{rendered.where}' there is none",
            "use it in a transition's 'when' or 'publish'; elsewhere read task.<name>")


def _check_reference(path: str, scope: Scope, rendered: RenderedString, ref: Reference, span: SpanOf,
                     text: str) -> Iterator[Diagnostic]:
    name = ref.name
    first = ref.steps[0] if ref.steps else None
    key = first.value if first is not None and first.static and isinstance(first.value, str) else None

    def key_span() -> Span:  # a function: positions are mapped only for a finding
        return span(first.start, first.end) if first is not None else span(ref.start, ref.end)

    if name == "parameters":
        if key is not None and scope.parameters is not None and key not in scope.parameters:
            if not scope.parameters:
                # Nothing declared: the API forwards every input unchecked, so it works
                # whenever the caller passes the value.
                yield UNDECLARED_PARAMETER.at(
                    path, key_span(),
                    f"parameter {key!r} is not declared (parameters come from {scope.parameters_source}); "
                    "the API forwards undeclared inputs without checking them, so this works only when "
                    "the caller passes it",
                    f"declare it so that callers see it (and a default if it is optional): {key}: {{type: string}}",
                    severity=Severity.WARNING)
                return
            match = _did_you_mean(key, scope.parameters)
            declared = ", ".join(sorted(scope.parameters))
            yield UNDECLARED_PARAMETER.at(
                path, key_span(),
                f"parameter {key!r} is not declared (parameters come from {scope.parameters_source})",
                f"did you mean parameters.{match}?" if match else f"declare it, or use a declared one: {declared}")
    elif name in VARIABLE_NAMESPACES:
        if name != "workflow":
            shown = text[ref.start:first.end] if first is not None else name
            yield LEGACY_VARIABLE_ALIAS.at(
                path, span(ref.start, ref.end), f"'{name}' is an alias of 'workflow' in '{rendered.where}'",
                f"write {shown.replace(name, 'workflow', 1)}" if first is not None else "write workflow.<name>")
        if key is not None and key not in scope.variables:
            match = _did_you_mean(key, scope.variables)
            yield UNKNOWN_VARIABLE.at(
                path, key_span(),
                f"workflow variable {key!r} is never set (not in 'vars', not published)",
                f"did you mean {name}.{match}?" if match else "add it to 'vars' or publish it from a transition")
    elif name in ("task", "tasks"):
        if name == "tasks":
            yield LEGACY_TASKS_ALIAS.at(path, span(ref.start, ref.end),
                                        f"'tasks' is an alias of 'task' in '{rendered.where}'", "write task.<name>")
        if key is not None and key not in scope.tasks:
            yield UNKNOWN_TASK.at(path, key_span(),
                                  f"task.{key} names no task of this workflow", _task_hint(key, scope.tasks))
    elif name == "inquiry":
        if key is not None and key not in scope.waiting_tasks:
            if key in scope.tasks:
                message, hint = (f"task {key!r} has no 'wait_for', so inquiry.{key} does not exist",
                                 f"add wait_for: {{inquiry: ...}} to task {key!r}, or read task.{key}")
            else:
                match = _did_you_mean(key, scope.waiting_tasks)
                message = f"inquiry.{key} names no task"
                hint = f"did you mean inquiry.{match}?" if match else "inquiry.<task> names a task with 'wait_for'"
            yield INQUIRY_WITHOUT_WAIT.at(path, key_span(), message, hint)
    elif name in LOOP_VARIABLES:
        yield from _check_loop_variable(path, rendered, ref, span)
    elif name == "system":
        if key is not None and key != "workflow_start":
            yield LEGACY_SYSTEM.at(path, key_span(),
                                   f"system.{key} does not exist; only system.workflow_start is provided",
                                   "pass the value in as a parameter, or use system.workflow_start")
    elif name == "keystore":
        if first is None or first.kind == "field":
            shown = f"keystore.{first.value}" if first is not None else "keystore"
            key_name = first.value if first is not None else "<key>"
            yield KEYSTORE_DOT.at(path, span(ref.start, first.end if first is not None else ref.end),
                                  f"'{shown}' is not accepted; keys are selected with a string index",
                                  f'write keystore["{scope.pack_ref}.{key_name}"] (the key\'s full ref)')
    elif name in NAMESPACES:
        return  # config: nothing to check statically
    elif name == "pack" and key == "config":
        yield LEGACY_PACK_CONFIG.at(path, span(ref.start, first.end if first is not None else ref.end),
                                    "'pack.config' is old syntax; pack configuration is 'config'",
                                    f"write config{_after(text, ref, 1)}")
    elif name in scope.variables:
        yield BARE_VARIABLE.at(path, span(ref.start, ref.end),
                               f"workflow variable {name!r} is read by its bare name in '{rendered.where}'",
                               f"write workflow.{name}")
    else:
        yield UNKNOWN_NAME.at(path, span(ref.start, ref.end),
                              f"unknown name {name!r} in '{rendered.where}': not a namespace, "
                              "not a workflow variable", _name_suggestion(name, scope))


def _after(text: str, ref: Reference, depth: int) -> str:
    """The source text of ``ref``'s steps from ``depth`` on, e.g. '.channel'."""
    if len(ref.steps) <= depth:
        return ".<key>"
    step = ref.steps[depth]
    # Step offsets are those of the field name or of the index expression: widen them to
    # the '.' before a field and the brackets around an index.
    start = text.rfind("." if step.kind == "field" else "[", 0, step.start)
    last = ref.steps[-1]
    end = text.find("]", last.end) + 1 if last.kind == "index" else last.end
    return text[start:end] if start >= 0 and end > 0 else ".<key>"


def _hyphenated_task_end(ref: Reference, tasks: list[str], text: str) -> int:
    """End offset of ``task.my-task`` when ``ref`` is its ``task.my`` part, else -1."""
    if ref.name not in ("task", "tasks", "inquiry") or not ref.steps or ref.steps[0].kind != "field":
        return -1
    start = ref.steps[0].start
    spelled = [t for t in tasks if "-" in t and text.startswith(t, start)]
    return start + max(map(len, spelled)) if spelled else -1


def _task_hint(key: str, tasks: list[str]) -> str:
    # task.my-task parses as task.my - task: the hyphenated task exists.
    hyphenated = [t for t in tasks if t.startswith(key + "-")]
    if hyphenated:
        return f'task names with "-" must be indexed: task["{hyphenated[0]}"]'
    match = _did_you_mean(key, tasks)
    if match:
        return f"did you mean task.{match}?"
    return f"known tasks: {', '.join(tasks[:10])}" if tasks else "this workflow has no tasks"


def _check_loop_variable(path: str, rendered: RenderedString, ref: Reference, span: SpanOf) -> Iterator[Diagnostic]:
    task = rendered.task
    if rendered.role == OUTPUT_MAP or task is None or not task.iterates:
        where = "output_map" if rendered.role == OUTPUT_MAP else f"task {task.name!r}" if task else rendered.where
        yield LOOP_VARIABLE_OUTSIDE.at(
            path, span(ref.start, ref.end),
            f"'{ref.name}' exists only inside a task with with_items or iterate_cache; {where} does not iterate",
            "add with_items to this task, or read the iterating task's results: task.<name>.items")
    elif rendered.role in (WITH_ITEMS, ITERATE_CACHE):
        yield LOOP_VARIABLE_OUTSIDE.at(
            path, span(ref.start, ref.end),
            f"'{ref.name}' does not exist yet while '{rendered.where}' is rendered (it is what defines the items)",
            "compute the items from parameters, workflow variables or task results")
    elif rendered.role in TRANSITION_ROLES:
        yield LOOP_VARIABLE_IN_TRANSITION.at(
            path, span(ref.start, ref.end),
            f"'{ref.name}' in '{rendered.where}': transitions run once after all items, there is no current item",
            f"read the collected results instead: task.{task.name or '<name>'}.items")


def _name_suggestion(name: str, scope: Scope) -> str:
    if scope.parameters is not None and name in scope.parameters:
        return f"did you mean parameters.{name}? (a declared parameter)"
    hint = name_hint(name)
    if hint:
        return hint
    if name.lower() in ("true", "false", "null"):
        return f"literals are lowercase: {name.lower()}"
    if name in ("None", "nil"):
        return "the null literal is null"
    if name in FUNCTIONS:
        return f"{name} is a function: call it, {name}()"
    candidates = set(NAMESPACES) | scope.variables
    match = _did_you_mean(name, candidates)
    if match:
        return f"did you mean {match if match in NAMESPACES else 'workflow.' + match}?"
    if scope.parameters is None:
        return "inputs are parameters.<name>, workflow variables are workflow.<name>"
    return "inputs are parameters.<name> (declared in 'parameters'), workflow variables workflow.<name> (in 'vars')"
