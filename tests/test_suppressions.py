"""Inline suppressions: the comment scanner and the directive parser.

What the directives do to a lint run, and the meta rules AL951-AL953 they raise, are tested
in tests/rules/test_meta.py.
"""
from __future__ import annotations

import pytest
from attune_testkit import CORPUS, EXAMPLES

from attune_lint.check.suppressions import parse_suppressions, scan_comments
from attune_lint.document.reader import load_yaml_text
from attune_lint.document.tree import ScalarNode, walk


def comments(text: str) -> list[tuple[int, int, str]]:
    return [(c.line, c.column, c.text) for c in scan_comments(text)[0]]


def test_hash_inside_quoted_scalars_is_not_a_comment() -> None:
    text = (
        'a: "x # y"  # one\n'
        "b: 'it''s # here' # two\n"
        'c: "esc \\" # still" # three\n'
        "d: plain#nocomment\n"
        "e: url#frag # four\n"
    )
    assert comments(text) == [(1, 13, "# one"), (2, 19, "# two"), (3, 21, "# three"), (5, 13, "# four")]


def test_multi_line_quoted_scalar() -> None:
    text = 'a: "first # no\n  second # no\n  end" # yes\nb: 1 # after\n'
    found, scalars = scan_comments(text)
    assert [(c.line, c.text) for c in found] == [(3, "# yes"), (4, "# after")]
    assert [(s.first, s.last) for s in scalars] == [(1, 3)]


def test_block_scalar_lines_are_text_until_the_indentation_drops() -> None:
    text = (
        "run: |  # header comment\n"      # 1
        "  echo 1 # not a comment\n"      # 2
        "\n"                              # 3
        "  # not a comment either\n"      # 4
        "# a real comment after the block\n"  # 5
        "next: >-\n"                      # 6
        "    folded # text\n"             # 7
        "  # comment: less indented than the content\n"  # 8
        "tasks:\n"                        # 9
        "  - |\n"                         # 10
        "    # text\n"                    # 11
        "  - x # item comment\n"          # 12
    )
    found, scalars = scan_comments(text)
    lines = text.splitlines()
    assert [(c.line, c.column) for c in found] == [(n, lines[n - 1].index('#') + 1) for n in (1, 5, 8, 12)]
    assert [(s.first, s.last) for s in scalars] == [(1, 4), (6, 7), (10, 11)]


def test_flow_collections_over_several_lines() -> None:
    text = (
        "input: {a: 1,  # first\n"
        '  b: "#x", c: [1, 2]}  # second\n'
        "list: [a, 'b # c'] # third\n"
    )
    lines = text.splitlines()
    expected = [(n, lines[n - 1].rindex("# ") + 1) for n in (1, 2, 3)]
    assert [(line, column) for line, column, _ in comments(text)] == expected


def _scalar_ranges(root: object) -> list[tuple[int, int]]:
    """0-based character ranges of quoted and block scalars of a tree."""
    ranges = []
    for node in walk(root):  # type: ignore[arg-type]
        if isinstance(node, ScalarNode) and node.style in ("'", '"', "|", ">"):
            ranges.append((node.start.index, node.end.index))
    return ranges


def test_scanner_agrees_with_the_yaml_parser_on_the_corpus() -> None:
    """Over every real file: no comment the scanner finds lies inside a quoted or block
    scalar, and every ' #' outside those scalars (and outside plain scalars) is a comment."""
    files = sorted(CORPUS.rglob("*.y*ml")) + sorted(EXAMPLES.rglob("*.y*ml"))
    assert len(files) >= 8, f"corpus not found at {CORPUS}"
    checked = 0
    for file in files:
        text = file.read_text(encoding="utf-8")
        document = load_yaml_text(text, str(file))
        if document.root is None:
            continue
        checked += 1
        scalars = _scalar_ranges(document.root)
        offsets = [0]
        for line in text.splitlines(keepends=True):
            offsets.append(offsets[-1] + len(line))
        found = {offsets[c.line - 1] + c.column - 1 for c in scan_comments(text)[0]}
        for index in found:
            assert text[index] == "#", (file, index)
            assert not any(start <= index < end for start, end in scalars), f"{file}: comment inside a scalar at {index}"
        for index, char in enumerate(text):
            if char == "#" and (index == 0 or text[index - 1] in " \t\n"):
                if not any(start <= index < end for start, end in scalars):
                    assert index in found, f"{file}: missed the comment at offset {index}"
    assert checked >= 8


def test_suppression_covers_findings_inside_a_block_scalar_from_its_header() -> None:
    text = "run: |  # attune-lint: disable=AL301\n  a\n  b\nnext: 1\n"
    parsed = parse_suppressions(text, "f.yaml")
    assert [sorted(s.lines) for s in parsed.suppressions] == [[1, 2, 3]]


@pytest.mark.parametrize("comment", ["#attune-lint:disable=AL201", "#  attune-lint:  disable = AL201 -- why"])
def test_spacing_variants(comment: str) -> None:
    parsed = parse_suppressions(f"bogus: 1 {comment}\n", "f.yaml")
    assert [(s.kind, s.code, sorted(s.lines)) for s in parsed.suppressions] == [("disable", "AL201", [1])]
    assert not parsed.malformed
