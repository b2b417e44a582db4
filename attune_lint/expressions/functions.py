"""The functions an Attune expression may call, with the argument counts they accept.

Built-in arities are those of the platform evaluator (``expression/evaluator.rs``:
``expect_args`` per function, ``range`` 1–2, ``slice`` 2–3). The workflow functions
(``result succeeded failed timed_out``) are answered by the scheduler's context, whose code
was not readable: they are documented as ``result()`` etc., so zero arguments is assumed.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    min_args: int
    max_args: int
    signature: str
    workflow: bool = False  # resolved by the scheduler, not the expression evaluator
    arity_verified: bool = True  # False: the count is a documented guess

    def accepts(self, count: int) -> bool:
        return self.min_args <= count <= self.max_args

    def expected(self) -> str:
        if self.min_args == self.max_args:
            return str(self.min_args)
        return f"{self.min_args} or {self.max_args}" if self.max_args == self.min_args + 1 \
            else f"{self.min_args} to {self.max_args}"


def _spec(signature: str, min_args: int, max_args: int | None = None, **kw: bool) -> FunctionSpec:
    name = signature.split("(", 1)[0]
    return FunctionSpec(name, min_args, min_args if max_args is None else max_args, signature, **kw)


_BUILTINS = [
    _spec("string(value)", 1), _spec("number(value)", 1), _spec("int(value)", 1), _spec("bool(value)", 1),
    _spec("type_of(value)", 1), _spec("length(value)", 1), _spec("keys(object)", 1), _spec("values(object)", 1),
    _spec("abs(n)", 1), _spec("floor(n)", 1), _spec("ceil(n)", 1), _spec("round(n)", 1),
    _spec("min(a, b)", 2), _spec("max(a, b)", 2), _spec("sum(array)", 1),
    _spec("lower(s)", 1), _spec("upper(s)", 1), _spec("trim(s)", 1),
    _spec("split(s, sep)", 2), _spec("join(array, sep)", 2), _spec("replace(s, old, new)", 3),
    _spec("starts_with(s, prefix)", 2), _spec("ends_with(s, suffix)", 2), _spec("match(pattern, s)", 2),
    _spec("contains(haystack, needle)", 2), _spec("reversed(value)", 1), _spec("sort(array)", 1),
    _spec("unique(array)", 1), _spec("flat(array)", 1), _spec("zip(a, b)", 2),
    _spec("range(end) / range(start, end)", 1, 2), _spec("slice(value, start[, end])", 2, 3),
    _spec("index_of(haystack, needle)", 2), _spec("count(haystack, needle)", 2),
    _spec("merge(a, b)", 2), _spec("chunks(array, size)", 2),
]
_WORKFLOW = [
    _spec("result()", 0, workflow=True, arity_verified=False),
    _spec("succeeded()", 0, workflow=True, arity_verified=False),
    _spec("failed()", 0, workflow=True, arity_verified=False),
    _spec("timed_out()", 0, workflow=True, arity_verified=False),
]

BUILTIN_FUNCTIONS: dict[str, FunctionSpec] = {s.name: s for s in _BUILTINS}
WORKFLOW_FUNCTIONS: dict[str, FunctionSpec] = {s.name: s for s in _WORKFLOW}
FUNCTIONS: dict[str, FunctionSpec] = {**BUILTIN_FUNCTIONS, **WORKFLOW_FUNCTIONS}

# Names people call that Attune does not have, with the Attune way (when one exists).
NOT_FUNCTIONS: dict[str, str] = {
    "now": "Attune has no now(); the workflow start time is system.workflow_start",
    "utcnow": "Attune has no utcnow(); the workflow start time is system.workflow_start",
    "uuid": "Attune has no uuid(); generate the id in an action and publish it",
    "default": "Attune has no default(); give the parameter a 'default' in the workflow's parameters",
    "first": "Attune has no first(); index the array: x[0]",
    "last": "Attune has no last(); index the array from the end: x[-1]",
    "len": "Attune spells it length(x)",
    "str": "Attune spells it string(x)",
    "float": "Attune spells it number(x)",
    "list": "Attune has no list(); write an array literal [a, b]",
    "dict": "Attune has no dict(); object literals are not supported either, use merge() on existing objects",
    "reverse": "Attune spells it reversed(x)",
    "sorted": "Attune spells it sort(x)",
    "to_json": "Attune has no to_json(); a pure template \"{{ x }}\" keeps the value's type",
    "tojson": "Attune has no tojson(); a pure template \"{{ x }}\" keeps the value's type",
    "from_json": "Attune has no from_json(); task results are already parsed JSON",
    "json": "Attune has no json(); a pure template \"{{ x }}\" keeps the value's type",
    "format": "Attune has no format(); concatenate strings with + and string(x)",
    "concat": "Attune has no concat(); use + for strings and arrays",
    "regex_replace": "Attune has no regex_replace(); use replace(s, old, new) (plain text)",
    "regex_match": "Attune spells it match(pattern, s)",
    "startswith": "Attune spells it starts_with(s, prefix)",
    "endswith": "Attune spells it ends_with(s, suffix)",
    "strip": "Attune spells it trim(s)",
    "capitalize": "Attune has no capitalize(); only lower() and upper() exist",
    "ctx": "ctx() is Orquesta syntax; Attune reads workflow.<var> (or vars.<var>)",
    "env": "Attune has no env(); pass values in as parameters",
    "cancelled": "cancelled() is documented but not implemented by the evaluator",
    "filter": "Attune has no filter(); filter in an action",
    "map": "Attune has no map(); transform in an action or with with_items",
    "items": "Attune has no items(); use keys(x) and values(x)",
    "get": "Attune has no get(); use x[\"key\"] (missing keys are a run-time error)",
    "lookup": "Attune has no lookup(); use keystore[\"pack.key\"] or parameters",
}

# Jinja filter names → the Attune function taking the filtered value as first argument.
FILTER_EQUIVALENTS: dict[str, str] = {
    **{name: name for name in BUILTIN_FUNCTIONS},
    "reverse": "reversed", "list": "", "tojson": "", "to_json": "", "default": "", "d": "",
    "first": "", "last": "", "count": "length", "trim": "trim", "float": "number", "join": "join",
}


def lookup(name: str) -> FunctionSpec | None:
    return FUNCTIONS.get(name)


def arity_problem(name: str, count: int) -> str | None:
    """A message when ``name`` is known but called with the wrong number of arguments."""
    spec = FUNCTIONS.get(name)
    if spec is None or spec.accepts(count):
        return None
    plural = "" if spec.max_args == 1 else "s"
    return (f"{name}() takes {spec.expected()} argument{plural}, got {count} "
            f"(signature: {spec.signature})")


def unknown_function_hint(name: str) -> str | None:
    """A hint for a function Attune does not have (None when ``name`` is a real function)."""
    if name in FUNCTIONS:
        return None
    if name in NOT_FUNCTIONS:
        return NOT_FUNCTIONS[name]
    lowered = name.lower()
    if lowered in FUNCTIONS:
        return f"function names are lowercase: {lowered}()"
    return None
