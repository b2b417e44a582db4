"""Expression tree. Every node carries ``start``/``end`` character offsets into the
expression text (the inside of one ``{{ }}`` block), end exclusive."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Union

LiteralValue = Union[int, float, str, bool, None]


@dataclass(frozen=True)
class Literal:
    value: LiteralValue
    start: int
    end: int


@dataclass(frozen=True)
class Array:
    elements: tuple["Expr", ...]
    start: int
    end: int


@dataclass(frozen=True)
class Name:
    """A bare identifier: a variable or namespace (``parameters``, ``task``, ``item``…)."""

    name: str
    start: int
    end: int


@dataclass(frozen=True)
class Unary:
    op: str  # "not" or "-"
    operand: "Expr"
    start: int
    end: int


@dataclass(frozen=True)
class Binary:
    op: str  # or and == != < > <= >= in + - * / %
    left: "Expr"
    right: "Expr"
    start: int
    end: int


@dataclass(frozen=True)
class Field:
    """``obj.name``; ``name_start``/``name_end`` locate the field name."""

    obj: "Expr"
    name: str
    name_start: int
    name_end: int
    start: int
    end: int


@dataclass(frozen=True)
class Index:
    """``obj[index]``."""

    obj: "Expr"
    index: "Expr"
    start: int
    end: int


@dataclass(frozen=True)
class Call:
    """``name(args)``: only a bare identifier can be called."""

    name: str
    name_start: int
    name_end: int
    args: tuple["Expr", ...]
    start: int
    end: int


Expr = Union[Literal, Array, Name, Unary, Binary, Field, Index, Call]


def children(node: Expr) -> Iterator[Expr]:
    """The direct sub-expressions of a node, left to right."""
    if isinstance(node, Array):
        yield from node.elements
    elif isinstance(node, Unary):
        yield node.operand
    elif isinstance(node, Binary):
        yield node.left
        yield node.right
    elif isinstance(node, Field):
        yield node.obj
    elif isinstance(node, Index):
        yield node.obj
        yield node.index
    elif isinstance(node, Call):
        yield from node.args


def walk(node: Expr) -> Iterator[Expr]:
    """Every node, parents before children."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(children(current))))


def to_sexpr(node: Expr) -> str:
    """A compact, unambiguous rendering for tests and debugging: ``(+ a (* b c))``."""
    if isinstance(node, Literal):
        if isinstance(node.value, str):
            return repr(node.value)
        if node.value is None:
            return "null"
        if isinstance(node.value, bool):
            return "true" if node.value else "false"
        return repr(node.value)
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Array):
        return "[" + " ".join(to_sexpr(e) for e in node.elements) + "]"
    if isinstance(node, Unary):
        return f"({'neg' if node.op == '-' else node.op} {to_sexpr(node.operand)})"
    if isinstance(node, Binary):
        return f"({node.op} {to_sexpr(node.left)} {to_sexpr(node.right)})"
    if isinstance(node, Field):
        return f"(. {to_sexpr(node.obj)} {node.name})"
    if isinstance(node, Index):
        return f"([] {to_sexpr(node.obj)} {to_sexpr(node.index)})"
    return "(" + " ".join([node.name + "()"] + [to_sexpr(a) for a in node.args]) + ")"
