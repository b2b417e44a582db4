"""Positions inside YAML scalars: every value character maps to where it is written.

Checked against PyYAML itself (both its C and pure-Python composers) on generated and
hand-written scalars of every style: the mapped (line, column) must hold that very
character in the file (for an escape, its backslash; for a folded line break, the break).
"""
from __future__ import annotations

import itertools

import pytest
import yaml

from attune_lint.diagnostics import Span
from attune_lint.document.scalar_map import line_column, map_scalar, scalar_position, scalar_span
from attune_lint.document.reader import load_yaml_text
from attune_lint.document.tree import Mark, ScalarNode, node_at_path, walk

LOADERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if getattr(yaml, "__with_libyaml__", False) else [])
BREAKS = "\r\n\x85\u2028\u2029"


def scalar_nodes(text: str, loader: type) -> list[ScalarNode]:
    """Our ScalarNodes for every scalar PyYAML composes from ``text`` with ``loader``."""
    root = yaml.compose(text, Loader=loader)
    found: list[ScalarNode] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            s, e = node.start_mark, node.end_mark
            found.append(ScalarNode(Mark(s.line + 1, s.column + 1, s.index), Mark(e.line + 1, e.column + 1, e.index),
                                    node.tag, value=node.value, text=node.value, style=node.style or None))
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.extend([k, v])
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return found


def lines_of(text: str) -> list[str]:
    """Independent line split (libyaml's breaks), to check positions without the module."""
    out, current, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch in BREAKS:
            out.append("".join(current) + ch)
            current = []
            i += 2 if text.startswith("\r\n", i) else 1
        else:
            current.append(ch)
            i += 1
    out.append("".join(current))
    return out


def check_node(text: str, node: ScalarNode) -> int:
    """Assert every character of ``node``'s value maps to itself; returns how many were checked."""
    mapping = map_scalar(text, node)
    assert mapping.exact, f"could not reproduce {node.text!r} ({node.style})"
    lines = lines_of(text)
    previous = -1
    for offset, char in enumerate(node.text):
        source = mapping.source_offset(offset)
        assert source > previous, "source offsets must increase with the value offsets"
        previous = source
        line, column = mapping.position(offset)
        written = lines[line - 1][column - 1]
        assert text[source] == written
        if written == char:
            continue
        if written == "\\":
            assert node.style == '"'  # an escape: the position is its backslash
        elif written in BREAKS:
            assert char in " \n\u2028\u2029"  # a folded or kept line break
        else:
            pytest.fail(f"value char {char!r} at {offset} mapped to {written!r} at {line}:{column}")
    return len(node.text)


def check_text(text: str) -> int:
    checked = 0
    for loader in LOADERS:
        for node in scalar_nodes(text, loader):
            checked += check_node(text, node)
    return checked


# --------------------------------------------------------------------------- hand-written
SNIPPETS = {
    "plain": "k: hello {{ x }} é😀 end\n",
    "plain multi-line": "k: first line\n  second   line\n\n\n  third\nk2: v\n",
    "plain nested and flow": "a:\n  b:\n    - x y\n      z\n    - [p q, 'r s', \"t u\"]\n    - {m: n o}\n",
    "plain multi-line in flow": "k: [a\n  b, {c: d\n   e}, 'f\n  g']\n",
    "document start": "--- |\n  root block\n",
    "plain trailing spaces and comment": "k: v w   # comment\n",
    "single quoted": "k: 'it''s ''{{ x }}'' é'\n",
    "single folded": "k: 'one\n   two  \n\n   three'\n",
    "double escapes": 'k: "q\\"b\\\\s\\n\\t\\x41\\u00e9\\U0001F600\\/\\ \\_\\0 end"\n',
    "double escaped break": 'k: "abc\\\n     def \\\n\n   ghi"\n',
    "double folded": 'k: "one  \n  two\n\n  three  "\n',
    "double tab escape literal tab": 'k: "a\\\tb\tc"\n',
    "literal": "k: |\n  line {{ a }}\n    indented\n\n  last\n",
    "literal strip": "k: |-\n  a\n  b\n\n\n",
    "literal keep": "k: |+\n  a\n\n\nnext: 1\n",
    "literal indicator": "k: |2\n    starts indented\n  normal\n",
    "literal indicator nested": "outer:\n  inner: |1-\n    two more\n   one more\n",
    "literal header comment": "k: | # a comment\n  text\n",
    "folded": "k: >\n  one\n  two\n\n  three\n    more indented\n  back\n",
    "folded strip keep": "a: >-\n  x\n  y\nb: >+\n  z\n\n",
    "folded in sequence": "- >2\n   lead\n  text\n- |\n  é😀 {{ x }}\n",
    "tagged and anchored": "a: !!str &anc tagged value\nb: &q \"quoted\"\nc: !!str\n  |\n  block\n",
    "crlf": "k: |\r\n  a\r\n  b\r\np: 'x\r\n  y'\r\nq: plain\r\n  more\r\n",
    "non-ascii": "clé: \"naïve 😀\"\nemoji: '😀😀 x'\nbloc: |\n  ünïcode {{ é }}\n",
    "empty values": "a: ''\nb: \"\"\nc: |\nd: >-\n\ne: x\n",
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_positions(name: str) -> None:
    text = SNIPPETS[name]
    check_text(text)


def test_snippets_cover_every_style() -> None:
    styles = {node.style for text in SNIPPETS.values() for node in scalar_nodes(text, LOADERS[0])}
    assert styles == {None, "'", '"', "|", ">"}


# --------------------------------------------------------------------------- generated
VALUES = [
    "simple", "two words", "{{ parameters.url }}", '{"url":"{{ parameters.news_endpoint }}"}',
    "it's \"quoted\"", "back\\slash", "tab\there", "line one\nline two", "trailing newline\n",
    "several\n\n\nbreaks\n\n", "  leading spaces", "trailing spaces  ", "é à ü 😀 ✓",
    "a long sentence that the emitter must fold over several lines because it is wide {{ x }}",
    "control \x07 bell and \x1b escape", "mixed é\n  indented 😀\nend", "# not a comment",
    "key: value", "- dash", "x" * 5 + " " + "y" * 5 + "\n" + "z " * 30,
]
STYLES = [None, "'", '"', "|", ">"]
# The emitter places the value in each context (keys get the style too: they are checked as well).
CONTEXTS = [
    lambda v: v,
    lambda v: {"value": v},
    lambda v: {"outer": {"list": [v, {"key": v}]}},
    lambda v: [[v]],
]


def test_generated_scalars_every_style_and_context() -> None:
    checked = 0
    styles_seen = set()
    for value, style, unicode, context in itertools.product(VALUES, STYLES, (True, False), CONTEXTS):
        text = yaml.safe_dump(context(value), default_style=style, allow_unicode=unicode, width=24)
        nodes = scalar_nodes(text, LOADERS[0])
        target = [n for n in nodes if n.text == value]
        assert target, f"generated YAML lost the value: {text!r}"
        styles_seen.update(n.style for n in target)
        checked += check_text(text)
    assert styles_seen == {None, "'", '"', "|", ">"}
    assert checked > 20_000


# --------------------------------------------------------------------------- API details
def test_escape_maps_to_its_backslash_and_span_covers_it() -> None:
    text = 'k: "a\\u00e9b"\n'
    document = load_yaml_text(text, "x.yaml")
    node = node_at_path(document.root, ["k"])
    assert node.text == "aéb"
    assert scalar_position(text, node, 0) == (1, 5)
    assert scalar_position(text, node, 1) == (1, 6)  # the backslash of \u00e9
    assert scalar_position(text, node, 2) == (1, 12)
    assert scalar_span(text, node, 1, 2) == Span(1, 6, 1, 12)
    assert scalar_span(text, node, 0, 3) == Span(1, 5, 1, 13)
    assert map_scalar(text, node).position(3) == (1, 13)  # end of value: after the last char


def test_columns_count_characters_not_bytes() -> None:
    text = "k: 😀é {{ x }}\n"
    document = load_yaml_text(text, "x.yaml")
    node = node_at_path(document.root, ["k"])
    assert scalar_position(text, node, node.text.index("{{")) == (1, 7)


def test_template_in_folded_block_maps_to_its_line() -> None:
    text = "tasks:\n  - when: >-\n      {{ succeeded() and\n      task.a.x | length }}\n"
    document = load_yaml_text(text, "x.yaml")
    node = node_at_path(document.root, ["tasks", 0, "when"])
    assert node.text == "{{ succeeded() and task.a.x | length }}"
    assert scalar_position(text, node, node.text.index("|")) == (4, 16)
    assert scalar_position(text, node, node.text.index("task")) == (4, 7)


def test_mismatch_falls_back_to_node_start_without_crashing() -> None:
    text = "k: value\n"
    document = load_yaml_text(text, "x.yaml")
    node = node_at_path(document.root, ["k"])
    forged = ScalarNode(node.start, node.end, node.tag, value="other", text="other", style=None)
    mapping = map_scalar(text, forged)
    assert not mapping.exact
    assert mapping.position(3) == (1, 4)
    assert mapping.span(0, 2) == Span(1, 4, 1, 5)
    broken = ScalarNode(Mark(1, 1, 500), Mark(1, 1, 600), node.tag, value="x", text="x", style='"')
    assert map_scalar(text, broken).position(0) == (1, 1)


def test_line_column_uses_yaml_line_breaks() -> None:
    text = "a\r\nb\rc\u2028d"
    assert [line_column(text, text.index(ch)) for ch in "abcd"] == [(1, 1), (2, 1), (3, 1), (4, 1)]


def test_every_corpus_scalar_maps_exactly(corpus) -> None:
    count = 0
    for path in sorted(corpus.rglob("*.y*ml")):
        document = load_yaml_text(path.read_text(encoding="utf-8"), str(path))
        if document.root is None:
            continue
        for node in walk(document.root):
            if isinstance(node, ScalarNode):
                count += check_node(document.source.text, node)
    assert count > 1000
