"""What an expression refers to: top-level names with their access chains, and calls.

Rules use this for "unknown variable", "parameters.X not declared", "task.X names no task",
unknown functions and argument counts. Offsets are into the expression text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from attune_lint.expressions.ast import Array, Binary, Call, Expr, Field, Index, Literal, Name, Unary

StepValue = Union[str, int, float, bool, None]


# Top-level names the evaluator resolves (§4.5); any other bare name falls back to a
# workflow variable of that name, else fails at run time.
NAMESPACES = frozenset({
    "parameters", "workflow", "vars", "variables", "task", "tasks", "inquiry", "config", "keystore",
    "item", "index", "system",
})

# Names from other engines or guesses, with the Attune way to write them.
NAME_HINTS: dict[str, str] = {
    "pack": "pack.config.* is old syntax; pack configuration is config.<key>",
    "_": "'_' is Orquesta/YAQL syntax; workflow variables are workflow.<name>",
    "ctx": "ctx() is Orquesta syntax; workflow variables are workflow.<name>",
    "kv": "keys are read with keystore[\"pack.key_ref\"]",
    "st2kv": "keys are read with keystore[\"pack.key_ref\"]",
    "secrets": "keys are read with keystore[\"pack.key_ref\"]",
    "input": "workflow inputs are parameters.<name>",
    "inputs": "workflow inputs are parameters.<name>",
    "params": "workflow inputs are parameters.<name>",
    "steps": "task results are task.<task name>",
    "outputs": "task results are task.<task name>",
    "result": "the current task's result is result() (a function)",
    "env": "environment variables are not visible; pass values in as parameters",
}


def name_hint(name: str) -> str | None:
    """The Attune way to write a top-level name from another engine (None if none is known)."""
    return NAME_HINTS.get(name)


@dataclass(frozen=True)
class Step:
    """One access after a name: ``.field`` or ``[index]``.

    ``static`` is True for ``.field`` and for literal indexes (``["my-task"]``, ``[0]``);
    a computed index (``[item]``) has ``static`` False and ``value`` None.
    """

    kind: str  # "field" or "index"
    value: StepValue
    start: int  # of the field name, or of the index expression
    end: int
    static: bool = True


@dataclass(frozen=True)
class Reference:
    """A top-level name and the accesses chained directly onto it."""

    name: str
    start: int
    end: int
    steps: tuple[Step, ...] = ()

    @property
    def path(self) -> list[str]:
        """Field names and string keys up to the first computed or numeric step.

        ``parameters.url`` → ["url"]; ``task["my-task"].x`` → ["my-task", "x"].
        """
        out: list[str] = []
        for step in self.steps:
            if not step.static or not isinstance(step.value, str):
                break
            out.append(step.value)
        return out

    def step_span(self, depth: int) -> tuple[int, int]:
        """Offsets of the ``depth``-th step (0-based), or of the name when out of range."""
        if 0 <= depth < len(self.steps):
            return self.steps[depth].start, self.steps[depth].end
        return self.start, self.end


@dataclass(frozen=True)
class CallRef:
    name: str
    start: int  # of the function name
    end: int
    arg_count: int
    call_end: int  # just after ')'


@dataclass
class Names:
    references: list[Reference] = field(default_factory=list)
    calls: list[CallRef] = field(default_factory=list)


def collect(expr: Expr) -> Names:
    """References and calls of ``expr``, in source order."""
    names = Names()
    _visit(expr, names)
    names.references.sort(key=lambda r: r.start)
    names.calls.sort(key=lambda c: c.start)
    return names


def references(expr: Expr) -> list[Reference]:
    return collect(expr).references


def function_calls(expr: Expr) -> list[CallRef]:
    return collect(expr).calls


def _chain(expr: Expr) -> tuple[Expr, list[Step], list[Expr]]:
    """Unwind ``base.a[b].c`` into its base, the steps and the index expressions."""
    steps: list[Step] = []
    indexes: list[Expr] = []
    node = expr
    while isinstance(node, (Field, Index)):
        if isinstance(node, Field):
            steps.append(Step("field", node.name, node.name_start, node.name_end))
        else:
            idx = node.index
            indexes.append(idx)
            if isinstance(idx, Literal) and not isinstance(idx.value, bool) and idx.value is not None:
                steps.append(Step("index", idx.value, idx.start, idx.end))
            elif isinstance(idx, Unary) and idx.op == "-" and isinstance(idx.operand, Literal) \
                    and isinstance(idx.operand.value, (int, float)) and not isinstance(idx.operand.value, bool):
                steps.append(Step("index", -idx.operand.value, idx.start, idx.end))
            else:
                steps.append(Step("index", None, idx.start, idx.end, static=False))
        node = node.obj
    steps.reverse()
    indexes.reverse()
    return node, steps, indexes


def _visit(expr: Expr, names: Names) -> None:
    if isinstance(expr, (Field, Index)):
        base, steps, indexes = _chain(expr)
        if isinstance(base, Name):
            names.references.append(Reference(base.name, base.start, base.end, tuple(steps)))
        else:
            _visit(base, names)
        for idx in indexes:
            _visit(idx, names)
    elif isinstance(expr, Name):
        names.references.append(Reference(expr.name, expr.start, expr.end))
    elif isinstance(expr, Call):
        names.calls.append(CallRef(expr.name, expr.name_start, expr.name_end, len(expr.args), expr.end))
        for arg in expr.args:
            _visit(arg, names)
    elif isinstance(expr, Array):
        for element in expr.elements:
            _visit(element, names)
    elif isinstance(expr, Unary):
        _visit(expr.operand, names)
    elif isinstance(expr, Binary):
        _visit(expr.left, names)
        _visit(expr.right, names)
