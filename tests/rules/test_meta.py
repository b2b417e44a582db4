"""Inline suppressions: the comment scanner, the three directives and their own rules."""
from __future__ import annotations

from pathlib import Path

import pytest
from attune_testkit import CORPUS, EXAMPLES, lint_pack

from attune_lint.check.suppressions import parse_suppressions, scan_comments
from attune_lint.document.reader import load_yaml_text
from attune_lint.document.tree import ScalarNode, walk


def comments(text: str) -> list[tuple[int, int, str]]:
    return [(c.line, c.column, c.text) for c in scan_comments(text)[0]]


# --- the scanner -----------------------------------------------------------------------


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


# --- directives ------------------------------------------------------------------------

FLOW = """\
ref: acme.flow
label: Flow
version: 1.0{version_comment}
bogus: 1{bogus_comment}
tasks:
  - name: a
    action: core.echo
"""


def flow(version_comment: str = "", bogus_comment: str = "") -> str:
    return FLOW.format(version_comment=version_comment, bogus_comment=bogus_comment)


def codes(result) -> list[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    return [(d.code, d.line, d.column) for d in result.diagnostics]


def test_without_suppressions_both_findings_are_reported(tmp_path: Path) -> None:
    result = lint_pack(tmp_path, {"workflows/flow.yaml": flow()})
    assert codes(result) == [("AL205", 3, 10), ("AL201", 4, 1)]


def test_disable_on_the_line(tmp_path: Path) -> None:
    result = lint_pack(tmp_path, {"workflows/flow.yaml": flow("  # attune-lint: disable=AL205")})
    assert codes(result) == [("AL201", 4, 1)]


def test_disable_by_rule_name_and_several_codes(tmp_path: Path) -> None:
    result = lint_pack(tmp_path, {"workflows/flow.yaml": flow(
        "  # attune-lint: disable=unquoted-string", "  # attune-lint: disable=AL102, AL201")})
    # AL102 is listed but nothing of it is on line 4: that one code is reported unused.
    line4 = flow("", "  # attune-lint: disable=AL102, AL201").splitlines()[3]
    assert codes(result) == [("AL952", 4, line4.index("AL102") + 1)]


def test_disable_next_line_skips_blank_and_comment_lines(tmp_path: Path) -> None:
    text = flow().replace("bogus: 1\n", "# attune-lint: disable-next-line=AL201\n\n# why: legacy\nbogus: 1\n")
    result = lint_pack(tmp_path, {"workflows/flow.yaml": text})
    assert codes(result) == [("AL205", 3, 10)]


def test_disable_file_anywhere(tmp_path: Path) -> None:
    text = flow() + "# attune-lint: disable-file=AL201,AL205\n"
    assert codes(lint_pack(tmp_path, {"workflows/flow.yaml": text})) == []


def test_suppression_after_a_quoted_value_containing_a_hash(tmp_path: Path) -> None:
    text = flow().replace("label: Flow", 'label: "a # b"').replace(
        "bogus: 1", "bogus: 'x # y'  # attune-lint: disable=AL201")
    assert codes(lint_pack(tmp_path, {"workflows/flow.yaml": text})) == [("AL205", 3, 10)]


def test_hash_in_quoted_string_does_not_suppress(tmp_path: Path) -> None:
    text = flow().replace("bogus: 1", 'bogus: "# attune-lint: disable=AL201"')
    assert codes(lint_pack(tmp_path, {"workflows/flow.yaml": text})) == [("AL205", 3, 10), ("AL201", 4, 1)]


def test_suppression_inside_a_flow_mapping(tmp_path: Path) -> None:
    text = (
        "ref: acme.flow\nversion: \"1.0\"\ntasks:\n"
        "  - {name: a, action: core.echo,\n"
        "     colour: red,  # attune-lint: disable=AL201\n"
        "     size: 2}\n"
    )
    result = lint_pack(tmp_path, {"workflows/flow.yaml": text})
    assert [(c, line) for c, line, _ in codes(result) if c == "AL201"] == [("AL201", 6)]
    assert not [c for c, _, _ in codes(result) if c.startswith("AL95")]


def test_suppression_after_a_block_scalar(tmp_path: Path) -> None:
    text = (
        "ref: acme.flow\nversion: \"1.0\"\n"
        "description: |\n"
        "  text # attune-lint: disable=AL201\n"        # block text: no suppression
        "bogus: 1  # attune-lint: disable=AL201\n"      # after the block: a real one
        "extra: 2\n"
        "tasks:\n  - name: a\n    action: core.echo\n"
    )
    result = lint_pack(tmp_path, {"workflows/flow.yaml": text})
    assert codes(result) == [("AL201", 6, 1)]


def test_unknown_code_and_unused_suppression_are_reported_where_written(tmp_path: Path) -> None:
    text = flow("  # attune-lint: disable=AL2O5", "  # attune-lint: disable=AL201") \
        .replace("label: Flow", "label: Flow  # attune-lint: disable=AL205")
    result = lint_pack(tmp_path, {"workflows/flow.yaml": text})
    line3 = text.splitlines()[2]
    line2 = text.splitlines()[1]
    assert codes(result) == [("AL952", 2, line2.index("AL205") + 1), ("AL205", 3, 10),
                             ("AL951", 3, line3.index("AL2O5") + 1)]
    unused = result.diagnostics[0]
    assert unused.rule == "unused-suppression" and "AL205" in unused.message
    assert (unused.span.end_column - unused.span.column) == len("AL205")


def test_meta_rules_can_be_turned_off(tmp_path: Path) -> None:
    from attune_lint.settings.record import Settings

    text = flow("  # attune-lint: disable=AL2O5").replace("label: Flow", "label: Flow  # attune-lint: disable=AL205")
    result = lint_pack(tmp_path, {"workflows/flow.yaml": text}, settings=Settings(ignore=("AL951", "unused-suppression")))
    assert codes(result) == [("AL205", 3, 10), ("AL201", 4, 1)]
    text += "# attune-lint: disable-file=AL951,AL952\n"
    result = lint_pack(tmp_path, {"workflows/flow.yaml": text})
    assert codes(result) == [("AL205", 3, 10), ("AL201", 4, 1)]


def test_malformed_directive(tmp_path: Path) -> None:
    result = lint_pack(tmp_path, {"workflows/flow.yaml": flow("", "  # attune-lint: ignore AL201")})
    assert codes(result) == [("AL205", 3, 10), ("AL201", 4, 1), ("AL953", 4, 13)]


def test_suppressions_run_before_select(tmp_path: Path) -> None:
    """A suppression of a rule that --select switches off is still used, not 'unused'."""
    from attune_lint.settings.record import Settings

    result = lint_pack(tmp_path, {"workflows/flow.yaml": flow("  # attune-lint: disable=AL205")},
                       settings=Settings(select=("AL201", "AL952")))
    assert codes(result) == [("AL201", 4, 1)]


def test_suppression_covers_findings_inside_a_block_scalar_from_its_header() -> None:
    text = "run: |  # attune-lint: disable=AL301\n  a\n  b\nnext: 1\n"
    parsed = parse_suppressions(text, "f.yaml")
    assert [sorted(s.lines) for s in parsed.suppressions] == [[1, 2, 3]]


@pytest.mark.parametrize("comment", ["#attune-lint:disable=AL201", "#  attune-lint:  disable = AL201 -- why"])
def test_spacing_variants(comment: str) -> None:
    parsed = parse_suppressions(f"bogus: 1 {comment}\n", "f.yaml")
    assert [(s.kind, s.code, sorted(s.lines)) for s in parsed.suppressions] == [("disable", "AL201", [1])]
    assert not parsed.malformed


def test_every_meta_rule_is_in_the_catalog() -> None:
    from attune_lint.rules.catalog import all_rules
    from attune_lint.rules.meta import RULES

    catalog = all_rules()
    for rule in RULES:
        assert catalog[rule.code] is rule
        assert "FAIL:" in rule.doc and "PASS:" in rule.doc


def test_disable_alone_on_its_line_hints_at_disable_next_line(tmp_path: Path) -> None:
    text = flow().replace("bogus: 1\n", "# attune-lint: disable=AL201\nbogus: 1\n")
    result = lint_pack(tmp_path, {"workflows/flow.yaml": text})
    assert codes(result) == [("AL205", 3, 10), ("AL952", 4, 24), ("AL201", 5, 1)]
    assert "disable-next-line" in (result.diagnostics[1].suggestion or "")


def test_context_only_file_applies_suppressions_without_reporting_its_own() -> None:
    from attune_lint.check.checker import apply_suppressions
    from attune_lint.diagnostics import Diagnostic, Severity, Span
    from attune_lint.document.reader import SourceFile

    text = "ref: other  # attune-lint: disable=AL509\nlabel: x  # attune-lint: disable=AL201\n"
    found = Diagnostic("acme/pack.yaml", Span(1, 6, 1, 11), Severity.WARNING, "AL509", "pack-folder-mismatch", "m")
    source = SourceFile("acme/pack.yaml", text)
    assert apply_suppressions("acme/pack.yaml", source, [found], report=False) == []
    checked = apply_suppressions("acme/pack.yaml", source, [found])
    assert [(d.code, d.line) for d in checked] == [("AL952", 2)]
