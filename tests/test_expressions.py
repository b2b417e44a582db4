"""Attune's {{ }} template language: blocks, tokenizer, parser, errors, functions, names."""
from __future__ import annotations

from pathlib import Path

import pytest

from attune_lint.expressions import (
    BUILTIN_FUNCTIONS,
    FUNCTIONS,
    WORKFLOW_FUNCTIONS,
    Binary,
    Call,
    ExpressionError,
    Field,
    Index,
    Literal,
    Name,
    arity_problem,
    collect,
    find_blocks,
    find_unclosed,
    is_pure_template,
    parse_expression,
    to_sexpr,
    tokenize,
    try_parse,
    unknown_function_hint,
)
from attune_lint.document.scalar_map import map_scalar
from attune_lint.document.reader import load_yaml_text, read_yaml_file
from attune_lint.document.tree import ScalarNode, node_at_path, walk


# --------------------------------------------------------------------------- blocks
def test_blocks_offsets_and_expression_text() -> None:
    text = "GET {{ parameters.url }}/items?page={{page}}"
    blocks = find_blocks(text)
    assert [b.expression for b in blocks] == [" parameters.url ", "page"]
    assert [(b.start, b.end) for b in blocks] == [(4, 24), (36, 44)]
    assert text[blocks[0].start:blocks[0].end] == "{{ parameters.url }}"
    assert text[blocks[1].expr_start:blocks[1].expr_end] == "page"
    assert blocks[0].to_string_offset(1) == text.index("parameters")


def test_block_ends_at_first_closing_braces() -> None:
    (block,) = find_blocks("{{ a }} }}")
    assert block.expression == " a "
    (block,) = find_blocks("{{ {a: {b: 1}} }} tail")
    assert block.expression == " {a: {b: 1"  # the first '}}' is inside the would-be object
    assert find_blocks("{{{ x }}}")[0].expression == "{ x "


def test_json_body_with_single_braces_has_one_block() -> None:
    text = '{"url":"{{ parameters.news_endpoint }}"}'
    (block,) = find_blocks(text)
    assert block.expression == " parameters.news_endpoint "
    assert (block.start, block.end) == (8, 38)
    assert not is_pure_template(text)
    assert find_unclosed(text) is None


def test_unclosed_block_is_literal_but_reported() -> None:
    assert find_blocks("hello {{ name") == []
    assert find_unclosed("hello {{ name") == 6
    text = "{{ a }} and {{ b"
    assert [b.expression for b in find_blocks(text)] == [" a "]
    assert find_unclosed(text) == 12
    assert find_unclosed("{{ a }}") is None
    assert find_unclosed("no templates") is None


def test_jinja_statements_and_single_braces_are_plain_text() -> None:
    assert find_blocks("{% if x %}yes{% endif %}") == []
    assert find_unclosed("{% if x %}") is None
    assert find_blocks("{a} {b}") == []


@pytest.mark.parametrize("text, pure", [
    ("{{ x }}", True),
    ("  {{ parameters.items }}\n", True),
    ("{{ x }} ", True),
    ("{{ a }}{{ b }}", False),
    ("x {{ a }}", False),
    ("{{ a }} x", False),
    ("plain", False),
    ("{{ a", False),
])
def test_is_pure_template(text: str, pure: bool) -> None:
    assert is_pure_template(text) is pure


def test_block_literal_value_with_several_templates_maps_to_file(tmp_path: Path) -> None:
    source = (
        "tasks:\n"
        "  - name: report\n"
        "    input:\n"
        "      body: |\n"
        "        Hello {{ parameters.name }},\n"
        "        you have {{ length(task.fetch.items) }} items\n"
        "        {{ x | upper }}\n"
    )
    path = tmp_path / "w.yaml"
    path.write_text(source)
    document = read_yaml_file(path)
    node = node_at_path(document.root, ["tasks", 0, "input", "body"])
    assert isinstance(node, ScalarNode) and node.style == "|"
    blocks = find_blocks(node.text)
    assert [b.expression.strip() for b in blocks] == ["parameters.name", "length(task.fetch.items)", "x | upper"]
    positions = map_scalar(document.source.text, node)
    assert [positions.position(b.start) for b in blocks] == [(5, 15), (6, 18), (7, 9)]
    error = try_parse(blocks[2].expression).error
    assert error is not None and error.construct == "jinja-filter"
    assert positions.position(blocks[2].to_string_offset(error.start)) == (7, 14)  # the '|'


# --------------------------------------------------------------------------- tokenizer
def test_tokenizer_numbers_strings_keywords() -> None:
    kinds = [(t.kind, t.value) for t in tokenize("42.field 1.5 'a\\'b' \"x\\n\\t\\\\\" true in not_x")]
    assert kinds == [
        ("INT", 42), ("DOT", None), ("IDENT", "field"), ("FLOAT", 1.5), ("STRING", "a'b"),
        ("STRING", "x\n\t\\"), ("TRUE", "true"), ("IN", "in"), ("IDENT", "not_x"), ("EOF", None),
    ]
    # Unknown escapes keep their backslash, as in the platform tokenizer.
    assert tokenize(r'"a\qb"')[0].value == "a\\qb"
    # Capitalised literals are identifiers, not booleans.
    assert [t.kind for t in tokenize("True NULL")] == ["IDENT", "IDENT", "EOF"]
    two = tokenize("a<=b>=c!=d==e")
    assert [t.kind for t in two] == ["IDENT", "LE", "IDENT", "GE", "IDENT", "NE", "IDENT", "EQ", "IDENT", "EOF"]
    assert [(t.start, t.end) for t in two[:3]] == [(0, 1), (1, 3), (3, 4)]


# --------------------------------------------------------------------------- parser
def test_precedence_full_ladder() -> None:
    tree = parse_expression("a or b and not c == d + e * -f.g[0]")
    assert to_sexpr(tree) == "(or a (and b (not (== c (+ d (* e (neg ([] (. f g) 0))))))))"


@pytest.mark.parametrize("text, tree", [
    ("1 + 2 * 3", "(+ 1 (* 2 3))"),
    ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
    ("a - b - c", "(- (- a b) c)"),
    ("a < b < c", "(< (< a b) c)"),
    ("not a == b", "(not (== a b))"),
    ("not not a", "(not (not a))"),
    ("a or b or c", "(or (or a b) c)"),
    ("a and b or c and d", "(or (and a b) (and c d))"),
    ("x in [1, 2,] and y", "(and (in x [1 2]) y)"),
    ("-a.b", "(neg (. a b))"),
    ("- -1", "(neg (neg 1))"),
    ("a % 2 != 0", "(!= (% a 2) 0)"),
    ("length(split(s, ',')) >= 2", "(>= (length() (split() s ',')) 2)"),
    ("obj.in.not.null", "(. (. (. obj in) not) null)"),
    ("task['my-task'].result", "(. ([] task 'my-task') result)"),
    ("[]", "[]"),
    ("f()", "(f())"),
    ("1.5 + 42", "(+ 1.5 42)"),
    ("'x' + \"y\"", "(+ 'x' 'y')"),
    ("null == false", "(== null false)"),
])
def test_parse_trees(text: str, tree: str) -> None:
    assert to_sexpr(parse_expression(text)) == tree


def test_node_offsets() -> None:
    text = " parameters.url + length(x[0]) "
    tree = parse_expression(text)
    assert isinstance(tree, Binary) and (tree.start, tree.end) == (1, 30)
    field = tree.left
    assert isinstance(field, Field)
    assert (field.start, field.end, field.name_start, field.name_end) == (1, 15, 12, 15)
    call = tree.right
    assert isinstance(call, Call) and text[call.start:call.end] == "length(x[0])"
    assert text[call.name_start:call.name_end] == "length"
    index = call.args[0]
    assert isinstance(index, Index) and text[index.start:index.end] == "x[0]"
    assert isinstance(index.index, Literal) and index.index.value == 0
    group = parse_expression("(a)")
    assert isinstance(group, Name) and (group.start, group.end) == (0, 3)


# Every unsupported construct: (text, construct, start, end, words in the message, suggestion part)
UNSUPPORTED = [
    ("x | length", "jinja-filter", 2, 10, "Jinja filter", "length(x)"),
    ("items | join(', ')", "jinja-filter", 6, 18, "Jinja filter", "join(items, ', ')"),
    ("parameters.x | default('a')", "jinja-filter", 13, 27, "default", "'default' in the workflow's parameters"),
    ("c ? a : b", "ternary", 2, 3, "ternary", "no conditional expression"),
    ("a if c else b", "inline-if", 2, 4, "inline 'a if c else b'", "no conditional expression"),
    ("a && b", "double-ampersand", 2, 4, "'&&'", "'and'"),
    ("a || b", "double-pipe", 2, 4, "'||'", "'or'"),
    ("!done", "bang", 0, 1, "'!'", "not done"),
    ("a = 1", "single-equals", 2, 3, "single '='", "'=='"),
    ("a ~ b", "tilde", 2, 3, "'~'", "'+'"),
    ("{'a': 1}", "object-literal", 0, 1, "object literals", "YAML mapping"),
    ("slice(x, start=1)", "keyword-argument", 9, 15, "keyword arguments ('start=", "by position"),
    ("x.upper()", "method-call", 1, 9, "method calls", "upper(x)"),
    ("', '.join(xs)", "method-call", 4, 13, "method calls", "join(xs, ', ')"),
    ("name.startswith('a')", "method-call", 4, 20, "method calls", "starts_with(name, 'a')"),
    ("'abc", "unterminated-string", 0, 4, "unterminated string", "close the string with '"),
    ("x + \"a", "unterminated-string", 4, 6, "unterminated string", 'close the string with "'),
    ("", "empty", 0, 0, "empty expression", "write an expression"),
    ("   ", "empty", 0, 3, "empty expression", "write an expression"),
    ("1e5", "exponent", 0, 3, "exponent form", "in full"),
    ("x[1:2]", "slice-syntax", 3, 4, "slice syntax", "slice(x, a, b)"),
]


@pytest.mark.parametrize("text, construct, start, end, words, suggestion", UNSUPPORTED)
def test_unsupported_constructs(text: str, construct: str, start: int, end: int, words: str,
                                suggestion: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    error = info.value
    assert error.construct == construct
    assert (error.start, error.end) == (start, end)
    assert words in error.message
    assert error.suggestion is not None and suggestion in error.suggestion


@pytest.mark.parametrize("text, start, words", [
    ("a +", 2, "ends too early"),
    ("f(x", 1, "missing ')'"),
    ("[1, 2", 0, "missing ']'"),
    ("a b", 2, "unexpected 'b'"),
    ("a)", 1, "unmatched ')'"),
    ("a.", 1, "field name"),
    ("a.1", 2, "field name"),
    ("a[]", 1, "empty index"),
    ("f(a,)", 3, "trailing ','"),
    ("f(1)(2)", 4, "only a function name can be called"),
    ("a == == b", 5, "expected a value"),
    ("99999999999999999999", 0, "too large"),
    ("café", 3, "ASCII"),
    ("a $ b", 2, "unexpected character '$'"),
])
def test_ordinary_syntax_errors(text: str, start: int, words: str) -> None:
    result = try_parse(text)
    assert not result.ok and result.expr is None
    assert result.error is not None
    assert result.error.start == start
    assert words in result.error.message


def test_first_rejected_character_wins_like_the_platform_tokenizer() -> None:
    # The platform tokenizes before parsing: a bad character is reported even after a parse error.
    error = try_parse("a b | c").error
    assert error is not None and error.construct == "jinja-filter"


def test_real_corpus_templates_parse_except_known_jinja(corpus: Path) -> None:
    failures = []
    for path in sorted(corpus.rglob("*.yaml")):
        document = read_yaml_file(path)
        if document.root is None:
            continue
        for node in walk(document.root):
            if isinstance(node, ScalarNode) and isinstance(node.text, str):
                for block in find_blocks(node.text):
                    error = try_parse(block.expression).error
                    if error is not None:
                        failures.append((path.name, error.construct))
    # install_packs.yaml really uses Jinja filters (| length, | map(...) | list).
    assert failures and all(f == ("install_packs.yaml", "jinja-filter") for f in failures)


# --------------------------------------------------------------------------- functions
DOCUMENTED = ("string number int bool type_of length keys values abs floor ceil round min max sum lower "
              "upper trim split join replace starts_with ends_with match contains reversed sort unique "
              "flat zip range slice index_of count merge chunks").split()


def test_all_documented_functions_are_known() -> None:
    assert sorted(BUILTIN_FUNCTIONS) == sorted(DOCUMENTED)
    assert sorted(WORKFLOW_FUNCTIONS) == ["failed", "result", "succeeded", "timed_out"]


@pytest.mark.parametrize("name, good, bad", [
    ("length", [1], [0, 2]),
    ("min", [2], [1, 3]),
    ("replace", [3], [2, 4]),
    ("range", [1, 2], [0, 3]),
    ("slice", [2, 3], [1, 4]),
    ("result", [0], [1]),
])
def test_arity(name: str, good: list[int], bad: list[int]) -> None:
    for count in good:
        assert arity_problem(name, count) is None
    for count in bad:
        message = arity_problem(name, count)
        assert message is not None and f"{name}() takes" in message and f"got {count}" in message
    assert arity_problem("no_such_function", 7) is None


def test_unknown_function_hints() -> None:
    for name in ("now", "uuid", "default", "first"):
        assert unknown_function_hint(name) is not None
    assert "system.workflow_start" in unknown_function_hint("now")  # type: ignore[operator]
    assert "x[0]" in unknown_function_hint("first")  # type: ignore[operator]
    assert unknown_function_hint("Length") == "function names are lowercase: length()"
    assert unknown_function_hint("length") is None
    assert unknown_function_hint("frobnicate") is None
    assert set(FUNCTIONS) >= set(DOCUMENTED)


# --------------------------------------------------------------------------- names
def test_references_and_calls() -> None:
    text = "task['my-task'].x + parameters.url + f(item[index].a, 2) + length(vars)"
    names = collect(parse_expression(text))
    refs = [(r.name, r.path, text[r.start:r.end]) for r in names.references]
    assert refs == [
        ("task", ["my-task", "x"], "task"),
        ("parameters", ["url"], "parameters"),
        ("item", [], "item"),
        ("index", [], "index"),
        ("vars", [], "vars"),
    ]
    task = names.references[0]
    assert [(s.kind, s.value, text[s.start:s.end]) for s in task.steps] == [
        ("index", "my-task", "'my-task'"), ("field", "x", "x")]
    item = names.references[2]
    assert [(s.kind, s.static) for s in item.steps] == [("index", False), ("field", True)]
    assert [(c.name, c.arg_count, text[c.start:c.end]) for c in names.calls] == [("f", 2, "f"), ("length", 1, "length")]
    assert text[names.calls[0].start:names.calls[0].call_end] == "f(item[index].a, 2)"


def test_reference_path_stops_at_numeric_or_computed_steps() -> None:
    (ref,) = collect(parse_expression("task.fetch.result.items[0].name")).references
    assert ref.path == ["fetch", "result", "items"]
    assert [s.value for s in ref.steps] == ["fetch", "result", "items", 0, "name"]
    (neg,) = collect(parse_expression("x[-1]")).references
    assert neg.steps[0].value == -1 and neg.steps[0].static


def test_names_inside_calls_and_method_bases() -> None:
    names = collect(parse_expression("length(keys(a.b)).c + [d, not e][0]"))
    assert [r.name for r in names.references] == ["a", "d", "e"]
    assert [(c.name, c.arg_count) for c in names.calls] == [("length", 1), ("keys", 1)]
    # Literals and keywords are not references.
    assert collect(parse_expression("true and null or 'parameters'")).references == []


def test_template_offsets_compose_to_file_position() -> None:
    source = 'input:\n  url: "{{ parameters.x | length }}"\n'
    document = load_yaml_text(source, "w.yaml")
    node = node_at_path(document.root, ["input", "url"])
    (block,) = find_blocks(node.text)
    error = try_parse(block.expression).error
    assert error is not None
    line, column = map_scalar(source, node).position(block.to_string_offset(error.start))
    assert (line, column) == (2, 25)
    assert source.splitlines()[line - 1][column - 1] == "|"


@pytest.mark.parametrize("text, suggestion", [
    ("task.a.b | length > 0", "length(task.a.b)"),
    ("a + b | length", "length(b)"),  # a filter binds to the operand right before it
    ("join(items | sort, ',')", "sort(items)"),
    ("(a + b) | string", "string(a + b)"),
    ("f(x)[0].y | upper", "upper(f(x)[0].y)"),
    ("obj.in | keys", "keys(obj.in)"),
    ("| length", "length(x)"),
    ("xs | map(attribute='name')", "Attune has no map()"),
])
def test_filter_suggestion_uses_the_filtered_operand(text: str, suggestion: str) -> None:
    error = try_parse(text).error
    assert error is not None and error.construct == "jinja-filter"
    assert error.suggestion is not None and suggestion in error.suggestion


def test_whitespace_follows_rust_is_whitespace() -> None:
    assert to_sexpr(parse_expression("a\u3000+\u00a0b")) == "(+ a b)"
    error = try_parse("a +\x1c b").error
    assert error is not None and error.message == "unexpected character 'U+001C'" and error.start == 3


def test_namespaces_and_name_hints() -> None:
    from attune_lint.expressions import NAMESPACES, name_hint

    assert {"parameters", "workflow", "vars", "task", "item", "index", "keystore", "system"} <= NAMESPACES
    assert "pack" not in NAMESPACES and "config.<key>" in (name_hint("pack") or "")
    assert "keystore[" in (name_hint("st2kv") or "")
    assert name_hint("parameters") is None
