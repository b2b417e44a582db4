"""Recursive-descent parser with the grammar and precedence of ``expression/parser.rs``.

Precedence, low to high: ``or`` < ``and`` < ``not`` < comparisons (``== != < > <= >= in``,
left-associative, chainable as on the platform) < ``+ -`` < ``* / %`` < unary ``-`` <
postfix (``.field``, ``[index]``, ``name(args)``).

Whatever the platform rejects is rejected here too, but with a message that names the
construct (Jinja filter, ternary, ``&&``…) and, where one exists, the Attune spelling.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from attune_lint.expressions import functions as F
from attune_lint.expressions.ast import Array, Binary, Call, Expr, Field, Index, Literal, Name, Unary, children
from attune_lint.expressions.errors import ExpressionError
from attune_lint.expressions.tokenizer import Token, tokenize

_COMPARISONS = {"EQ": "==", "NE": "!=", "LT": "<", "GT": ">", "LE": "<=", "GE": ">=", "IN": "in"}
_ADDITIVE = {"PLUS": "+", "MINUS": "-"}
_MULTIPLICATIVE = {"STAR": "*", "SLASH": "/", "PERCENT": "%"}
_FIELD_KEYWORDS = ("AND", "OR", "NOT", "IN", "TRUE", "FALSE", "NULL")
_CLOSERS = {"LPAREN": "RPAREN", "LBRACKET": "RBRACKET"}

# Python/Jinja method names → the Attune function (the object becomes the first argument).
METHOD_EQUIVALENTS: dict[str, str] = {
    **{name: name for name in F.BUILTIN_FUNCTIONS},
    "startswith": "starts_with", "endswith": "ends_with", "strip": "trim", "reverse": "reversed",
    "items": "", "get": "", "format": "", "append": "", "update": "merge",
}


@dataclass(frozen=True)
class ParseResult:
    expr: Expr | None
    error: ExpressionError | None

    @property
    def ok(self) -> bool:
        return self.error is None


def parse_expression(text: str) -> Expr:
    """Parse the inside of one ``{{ }}`` block; raises ExpressionError."""
    tokens = tokenize(text)
    if len(tokens) == 1:
        raise ExpressionError("empty expression: '{{ }}' holds nothing to evaluate", 0, len(text),
                              "write an expression between the braces, or remove them", construct="empty")
    bad = next((t for t in tokens if t.kind == "BAD"), None)
    if bad is not None:
        # The platform's tokenizer fails on the first such character, before parsing.
        raise _explain_bad(text, tokens, tokens.index(bad))
    _check_nesting(tokens)
    expr = _Parser(text, tokens).parse()
    _check_depth(expr)
    return expr


# Deeper than this, an expression is reported instead of parsed: a recursive-descent parser
# (this one, and the platform's) and every walk over the tree would run out of stack.
# Real templates nest a handful of levels.
MAX_NESTING = 64
_NESTING_PREFIX = frozenset({"NOT", "MINUS"})
_NESTING_OPEN = frozenset({"LPAREN", "LBRACKET"})
_NESTING_CLOSE = frozenset({"RPAREN", "RBRACKET"})


def _too_deep(token: Token) -> ExpressionError:
    return ExpressionError(f"expression is nested more than {MAX_NESTING} levels deep",
                           token.start, token.end, "split it into workflow variables or simpler expressions",
                           construct="too-deep")


def _check_nesting(tokens: list[Token]) -> None:
    """Brackets and runs of prefix operators (``not not …``, ``- - …``), before parsing."""
    depth = 0
    prefixes = 0
    for token in tokens:
        if token.kind in _NESTING_OPEN:
            depth += 1
        elif token.kind in _NESTING_CLOSE:
            depth = max(0, depth - 1)
        prefixes = prefixes + 1 if token.kind in _NESTING_PREFIX else 0
        if depth + prefixes > MAX_NESTING:
            raise _too_deep(token)


def _check_depth(expr: Expr) -> None:
    """Long operator chains (``a + a + …``) parse in a loop but make a deep tree: reported
    over the whole expression, since no single token is the culprit."""
    pending = [(expr, 1)]
    while pending:
        node, depth = pending.pop()
        if depth > MAX_NESTING:
            raise ExpressionError(f"expression is nested more than {MAX_NESTING} levels deep "
                                  "(a chain of that many operators)", expr.start, expr.end,
                                  "split it into workflow variables or simpler expressions", construct="too-deep")
        pending.extend((child, depth + 1) for child in children(node))


def try_parse(text: str) -> ParseResult:
    """Like parse_expression, but returns the error instead of raising it."""
    try:
        return ParseResult(parse_expression(text), None)
    except ExpressionError as exc:
        return ParseResult(None, exc)


class _Parser:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.pos = 0

    # -- helpers --------------------------------------------------------------
    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        tok = self.peek()
        if self.pos < len(self.tokens) - 1:
            self.pos += 1
        return tok

    def expect_closer(self, opener: Token, kind: str, what: str) -> Token:
        tok = self.peek()
        if tok.kind == kind:
            return self.advance()
        closer = ")" if kind == "RPAREN" else "]"
        if tok.kind == "EOF":
            raise ExpressionError(f"missing '{closer}' to close the '{opener.text}' of {what}",
                                  opener.start, opener.end, f"add '{closer}'")
        raise ExpressionError(f"expected '{closer}' to close the '{opener.text}' of {what}, found {tok}",
                              tok.start, tok.end, f"add '{closer}' before {tok}")

    # -- grammar --------------------------------------------------------------
    def parse(self) -> Expr:
        expr = self.parse_or()
        tok = self.peek()
        if tok.kind != "EOF":
            raise self.trailing_error(expr, tok)
        return expr

    def parse_or(self) -> Expr:
        left = self.parse_and()
        while self.peek().kind == "OR":
            self.advance()
            right = self.parse_and()
            left = Binary("or", left, right, left.start, right.end)
        return left

    def parse_and(self) -> Expr:
        left = self.parse_not()
        while self.peek().kind == "AND":
            self.advance()
            right = self.parse_not()
            left = Binary("and", left, right, left.start, right.end)
        return left

    def parse_not(self) -> Expr:
        if self.peek().kind == "NOT":
            tok = self.advance()
            operand = self.parse_not()
            return Unary("not", operand, tok.start, operand.end)
        return self.parse_comparison()

    def parse_comparison(self) -> Expr:
        left = self.parse_additive()
        while self.peek().kind in _COMPARISONS:
            op = _COMPARISONS[self.advance().kind]
            right = self.parse_additive()
            left = Binary(op, left, right, left.start, right.end)
        return left

    def parse_additive(self) -> Expr:
        left = self.parse_multiplicative()
        while self.peek().kind in _ADDITIVE:
            op = _ADDITIVE[self.advance().kind]
            right = self.parse_multiplicative()
            left = Binary(op, left, right, left.start, right.end)
        return left

    def parse_multiplicative(self) -> Expr:
        left = self.parse_unary()
        while self.peek().kind in _MULTIPLICATIVE:
            op = _MULTIPLICATIVE[self.advance().kind]
            right = self.parse_unary()
            left = Binary(op, left, right, left.start, right.end)
        return left

    def parse_unary(self) -> Expr:
        if self.peek().kind == "MINUS":
            tok = self.advance()
            operand = self.parse_unary()
            return Unary("-", operand, tok.start, operand.end)
        return self.parse_postfix()

    def parse_postfix(self) -> Expr:
        expr = self.parse_primary()
        while True:
            tok = self.peek()
            if tok.kind == "DOT":
                self.advance()
                name_tok = self.peek()
                if name_tok.kind != "IDENT" and name_tok.kind not in _FIELD_KEYWORDS:
                    raise ExpressionError(f"expected a field name after '.', found {name_tok}",
                                          name_tok.start if name_tok.kind != "EOF" else tok.start,
                                          name_tok.end if name_tok.kind != "EOF" else tok.end,
                                          "field names are identifiers; use obj[\"name\"] for other keys")
                self.advance()
                if self.peek().kind == "LPAREN":
                    raise self.method_call_error(expr, tok, name_tok)
                expr = Field(expr, name_tok.text, name_tok.start, name_tok.end, expr.start, name_tok.end)
            elif tok.kind == "LBRACKET":
                self.advance()
                if self.peek().kind == "RBRACKET":
                    raise ExpressionError("empty index '[]'", tok.start, self.peek().end,
                                          "put an index or a key between the brackets: x[0], x[\"key\"]")
                index = self.parse_or()
                close = self.expect_closer(tok, "RBRACKET", "this index")
                expr = Index(expr, index, expr.start, close.end)
            elif tok.kind == "LPAREN":
                if not isinstance(expr, Name):
                    end = self._matching_end(self.pos)
                    raise ExpressionError(
                        "only a function name can be called: "
                        f"'{self.text[expr.start:expr.end]}' is not a bare name",
                        tok.start, end, "call a built-in function by name, e.g. length(x)",
                        construct="call-on-expression")
                self.advance()
                args = self.parse_args(tok, expr.name)
                close = self.expect_closer(tok, "RPAREN", f"the call to {expr.name}()")
                expr = Call(expr.name, expr.start, expr.end, tuple(args), expr.start, close.end)
            else:
                return expr

    def parse_args(self, opener: Token, name: str) -> list[Expr]:
        args: list[Expr] = []
        if self.peek().kind == "RPAREN":
            return args
        args.append(self.parse_or())
        while self.peek().kind == "COMMA":
            comma = self.advance()
            if self.peek().kind == "RPAREN":
                raise ExpressionError(f"trailing ',' in the arguments of {name}()", comma.start, comma.end,
                                      "remove the ',' (only array literals allow a trailing comma)")
            args.append(self.parse_or())
        return args

    def parse_primary(self) -> Expr:
        tok = self.peek()
        kind = tok.kind
        if kind in ("INT", "FLOAT", "STRING"):
            self.advance()
            return Literal(tok.value, tok.start, tok.end)
        if kind in ("TRUE", "FALSE", "NULL"):
            self.advance()
            return Literal({"TRUE": True, "FALSE": False, "NULL": None}[kind], tok.start, tok.end)
        if kind == "IDENT":
            self.advance()
            return Name(tok.text, tok.start, tok.end)
        if kind == "LPAREN":
            self.advance()
            if self.peek().kind == "RPAREN":
                raise ExpressionError("empty parentheses '()'", tok.start, self.peek().end,
                                      "put an expression between the parentheses")
            inner = self.parse_or()
            close = self.expect_closer(tok, "RPAREN", "this group")
            # No group node: the content's offsets widen to take in the parentheses.
            return dataclasses.replace(inner, start=tok.start, end=close.end)
        if kind == "LBRACKET":
            self.advance()
            elements: list[Expr] = []
            if self.peek().kind != "RBRACKET":
                elements.append(self.parse_or())
                while self.peek().kind == "COMMA":
                    self.advance()
                    if self.peek().kind == "RBRACKET":  # trailing comma allowed, as on the platform
                        break
                    elements.append(self.parse_or())
            close = self.expect_closer(tok, "RBRACKET", "this array")
            return Array(tuple(elements), tok.start, close.end)
        if kind == "EOF":
            prev = self.tokens[self.pos - 1] if self.pos > 0 else tok
            raise ExpressionError(f"expression ends too early: expected a value after {prev}",
                                  prev.start, prev.end, "complete the expression")
        raise ExpressionError(f"expected a value, found {tok}", tok.start, tok.end)

    # -- error explanations ---------------------------------------------------
    def _matching_end(self, open_index: int) -> int:
        """End offset of the bracket closing the one at token ``open_index`` (or end of text)."""
        depth = 0
        for tok in self.tokens[open_index:]:
            if tok.kind in ("LPAREN", "LBRACKET"):
                depth += 1
            elif tok.kind in ("RPAREN", "RBRACKET"):
                depth -= 1
                if depth == 0:
                    return tok.end
        return len(self.text.rstrip())

    def method_call_error(self, obj: Expr, dot: Token, name_tok: Token) -> ExpressionError:
        paren_index = self.pos
        end = self._matching_end(paren_index)
        paren = self.tokens[paren_index]
        args_text = self.text[paren.end:end - 1].strip() if end > paren.end else ""
        obj_text = self.text[obj.start:obj.end]
        method = name_tok.text
        attune = METHOD_EQUIVALENTS.get(method)
        message = f"method calls are not supported: '.{method}(...)'"
        if attune:
            if method == "join" and isinstance(obj, Literal) and isinstance(obj.value, str):
                call = f"join({args_text}, {obj_text})"  # Python's 'sep'.join(list)
            else:
                call = f"{attune}({obj_text}{', ' + args_text if args_text else ''})"
            suggestion = f"call the function instead: {call}"
        else:
            hint = F.NOT_FUNCTIONS.get(method)
            suggestion = hint or f"Attune has no function '{method}'; only built-in functions called by name exist"
        return ExpressionError(message, dot.start, end, suggestion, construct="method-call")

    def trailing_error(self, expr: Expr, tok: Token) -> ExpressionError:
        if tok.kind == "IDENT" and tok.text == "if":
            return ExpressionError(
                "Python inline 'a if c else b' is not supported", tok.start, tok.end,
                "Attune has no conditional expression; branch with next/when transitions, "
                "or compute the value in an action", construct="inline-if")
        if tok.kind == "IDENT" and tok.text == "else":
            return ExpressionError("'else' has no meaning in an expression", tok.start, tok.end,
                                   construct="inline-if")
        prev = self.tokens[self.pos - 1] if self.pos > 0 else None
        if (tok.kind == "IDENT" and prev is not None and prev.kind in ("INT", "FLOAT")
                and prev.end == tok.start and tok.text[0] in "eE"):
            return ExpressionError(f"numbers in exponent form ('{prev.text}{tok.text}') are not supported",
                                   prev.start, tok.end, "write the number out in full", construct="exponent")
        if tok.kind in ("RPAREN", "RBRACKET"):
            return ExpressionError(f"unmatched {tok}", tok.start, tok.end, f"remove {tok} or add its opener")
        return ExpressionError(f"unexpected {tok} after a complete expression", tok.start, tok.end,
                               "an operator (and, or, +, ==…) is probably missing")


def _explain_bad(text: str, tokens: list[Token], index: int) -> ExpressionError:
    """Name the unsupported construct that a rejected character starts."""
    tok = tokens[index]
    prev = tokens[index - 1] if index > 0 else None
    nxt = tokens[index + 1] if index + 1 < len(tokens) else tokens[-1]
    ch = tok.text
    if ch == "||":
        return ExpressionError("'||' is not an operator; Attune writes 'or'", tok.start, tok.end,
                               "replace '||' with 'or'", construct="double-pipe")
    if ch == "&&":
        return ExpressionError("'&&' is not an operator; Attune writes 'and'", tok.start, tok.end,
                               "replace '&&' with 'and'", construct="double-ampersand")
    if ch == "&":
        return ExpressionError("'&' is not an operator; Attune writes 'and'", tok.start, tok.end,
                               "replace '&' with 'and'", construct="double-ampersand")
    if ch == "|":
        return _explain_filter(text, tokens, index)
    if ch == "!":
        operand = nxt.text if nxt.kind != "EOF" else "x"
        return ExpressionError("'!' is not an operator; Attune writes 'not'", tok.start, tok.end,
                               f"write 'not {operand}' instead of '!{operand}'", construct="bang")
    if ch == "=":
        if _in_call_after_name(tokens, index):
            return ExpressionError(
                f"keyword arguments ('{prev.text}=...') are not supported", prev.start, tok.end,  # type: ignore[union-attr]
                "pass arguments by position, in the order of the function's signature",
                construct="keyword-argument")
        return ExpressionError("single '=' is not a comparison; Attune writes '=='", tok.start, tok.end,
                               "replace '=' with '=='", construct="single-equals")
    if ch == "?":
        return ExpressionError("the ternary operator 'c ? a : b' is not supported", tok.start, tok.end,
                               "Attune has no conditional expression; branch with next/when transitions, "
                               "or compute the value in an action", construct="ternary")
    if ch == ":":
        if _innermost_opener(tokens, index) == "LBRACKET":
            return ExpressionError("slice syntax 'x[a:b]' is not supported", tok.start, tok.end,
                                   "use slice(x, a, b)", construct="slice-syntax")
        return ExpressionError("':' is not an operator", tok.start, tok.end,
                               "object literals {k: v} and ternaries c ? a : b are not supported",
                               construct="colon")
    if ch == "~":
        return ExpressionError("Jinja's '~' concatenation is not supported", tok.start, tok.end,
                               "use '+' (with string(x) around non-strings)", construct="tilde")
    if ch == "{":
        return ExpressionError("object literals '{...}' are not supported", tok.start, tok.end,
                               "write the object as a YAML mapping with templated values, or combine "
                               "existing objects with merge(a, b)", construct="object-literal")
    if ch == "}":
        return ExpressionError("unexpected '}'", tok.start, tok.end,
                               "object literals are not supported; a block ends at the first '}}'",
                               construct="object-literal")
    if ch.isalpha() or ch.isdigit():
        return ExpressionError(f"unexpected character '{ch}': names use ASCII letters, digits and '_'",
                               tok.start, tok.end, construct="bad-character")
    shown = ch if ch.isprintable() else f"U+{ord(ch):04X}"
    return ExpressionError(f"unexpected character '{shown}'", tok.start, tok.end, construct="bad-character")


def _innermost_opener(tokens: list[Token], index: int) -> str | None:
    stack: list[str] = []
    for tok in tokens[:index]:
        if tok.kind in _CLOSERS:
            stack.append(tok.kind)
        elif tok.kind in ("RPAREN", "RBRACKET") and stack:
            stack.pop()
    return stack[-1] if stack else None


def _in_call_after_name(tokens: list[Token], index: int) -> bool:
    """``f(a, name=…)``: '=' right after a name that follows '(' or ',' inside a call."""
    if index < 2 or tokens[index - 1].kind != "IDENT" or tokens[index - 2].kind not in ("LPAREN", "COMMA"):
        return False
    stack: list[bool] = []  # True for a call's parenthesis
    for i, tok in enumerate(tokens[:index]):
        if tok.kind == "LPAREN":
            stack.append(i > 0 and tokens[i - 1].kind == "IDENT")
        elif tok.kind == "LBRACKET":
            stack.append(False)
        elif tok.kind in ("RPAREN", "RBRACKET") and stack:
            stack.pop()
    return bool(stack) and stack[-1]


def _explain_filter(text: str, tokens: list[Token], index: int) -> ExpressionError:
    pipe = tokens[index]
    name_tok = tokens[index + 1]
    if name_tok.kind != "IDENT":
        return ExpressionError("Jinja filters ('x | filter') are not supported", pipe.start, pipe.end,
                               "call a function instead: length(x), lower(x)…", construct="jinja-filter")
    filter_name = name_tok.text
    end = name_tok.end
    args_text = ""
    after = tokens[index + 2]
    if after.kind == "LPAREN":
        depth = 0
        for tok in tokens[index + 2:]:
            if tok.kind in _CLOSERS:
                depth += 1
            elif tok.kind in ("RPAREN", "RBRACKET"):
                depth -= 1
                if depth == 0:
                    end = tok.end
                    break
        else:
            end = len(text.rstrip())
        args_text = text[after.end:end - 1].strip()
    # The filtered value: a Jinja filter applies to the postfix chain right before the pipe.
    operand_start = _operand_start(tokens, index)
    left_text = text[operand_start:pipe.start].strip() if operand_start is not None else ""
    left_ok = bool(left_text) and try_parse(left_text).ok
    if left_ok and left_text.startswith("(") and left_text.endswith(")"):
        left_text = left_text[1:-1].strip()  # a group: the call's parentheses replace it
    message = f"Jinja filters are not supported: '| {filter_name}'"
    attune = F.FILTER_EQUIVALENTS.get(filter_name)
    if filter_name in ("default", "d"):
        message = f"Jinja filter '| {filter_name}(...)' is not supported; Attune has no default()"
        suggestion = F.NOT_FUNCTIONS["default"]
    elif attune:
        shown = left_text if left_ok else "x"
        suggestion = f"call the function instead: {attune}({shown}{', ' + args_text if args_text else ''})"
    elif filter_name in F.NOT_FUNCTIONS:
        suggestion = F.NOT_FUNCTIONS[filter_name]
    else:
        suggestion = f"Attune has no '{filter_name}' function; see the built-in functions"
    return ExpressionError(message, pipe.start, end, suggestion, construct="jinja-filter")


_VALUE_KINDS = ("IDENT", "INT", "FLOAT", "STRING", "TRUE", "FALSE", "NULL")


def _operand_start(tokens: list[Token], index: int) -> int | None:
    """Start offset of the operand chain (``a.b[0]``, ``f(x)``, ``(a + b)``) ending before ``index``."""
    j = index - 1
    while j >= 0:
        tok = tokens[j]
        if tok.kind in ("RPAREN", "RBRACKET"):
            depth = 0
            k = j
            while k >= 0:
                if tokens[k].kind in ("RPAREN", "RBRACKET"):
                    depth += 1
                elif tokens[k].kind in ("LPAREN", "LBRACKET"):
                    depth -= 1
                    if depth == 0:
                        break
                k -= 1
            if k < 0:
                return None
            before = tokens[k - 1] if k > 0 else None
            # x[0] and f(x) continue the chain leftwards; a bare (group) or [array] ends it.
            if before is not None and (
                    (tokens[k].kind == "LBRACKET" and before.kind in ("IDENT", "RPAREN", "RBRACKET"))
                    or (tokens[k].kind == "LPAREN" and before.kind == "IDENT")):
                j = k - 1
                continue
            return tokens[k].start
        if tok.kind in _VALUE_KINDS or (tok.kind in _FIELD_KEYWORDS and j > 0 and tokens[j - 1].kind == "DOT"):
            if j > 0 and tokens[j - 1].kind == "DOT":
                j -= 2
                continue
            return tok.start
        return None
    return None
