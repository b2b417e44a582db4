"""Attune's ``{{ }}`` template and expression language (attune-format.md §4.5)."""
from __future__ import annotations

from attune_lint.expressions.ast import Array, Binary, Call, Expr, Field, Index, Literal, Name, Unary, to_sexpr, walk
from attune_lint.expressions.blocks import TemplateBlock, find_blocks, find_unclosed, has_template, is_pure_template
from attune_lint.expressions.errors import ExpressionError
from attune_lint.expressions.functions import (
    BUILTIN_FUNCTIONS,
    FUNCTIONS,
    NOT_FUNCTIONS,
    WORKFLOW_FUNCTIONS,
    FunctionSpec,
    arity_problem,
    unknown_function_hint,
)
from attune_lint.expressions.names import NAME_HINTS, NAMESPACES, CallRef, Names, Reference, Step, collect, name_hint
from attune_lint.expressions.parser import ParseResult, parse_expression, try_parse
from attune_lint.expressions.tokenizer import Token, tokenize

__all__ = [
    "Array", "Binary", "Call", "Expr", "Field", "Index", "Literal", "Name", "Unary", "to_sexpr", "walk",
    "TemplateBlock", "find_blocks", "find_unclosed", "has_template", "is_pure_template",
    "ExpressionError", "BUILTIN_FUNCTIONS", "FUNCTIONS", "NOT_FUNCTIONS", "WORKFLOW_FUNCTIONS",
    "FunctionSpec", "arity_problem", "unknown_function_hint",
    "NAME_HINTS", "NAMESPACES", "CallRef", "Names", "Reference", "Step", "collect", "name_hint",
    "ParseResult", "parse_expression", "try_parse", "Token", "tokenize",
]
