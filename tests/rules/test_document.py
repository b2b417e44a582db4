"""YAML reader rules (AL101-AL113, attune_lint/document/rules.py, emitted by the reader
attune_lint/document/reader.py): each fails at its line and column.

The cases read the text they show (the whole file) with the reader itself; the
expected findings are ``(code, line, column)``. The rules' FAIL/PASS examples are linted
by test_rule_examples.py; the reader's tree and positions are tested in
tests/test_yaml_loader.py.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from attune_lint.document.reader import load_yaml_bytes, load_yaml_text, read_yaml_file


def codes(document) -> list[tuple[str, int, int]]:
    return [(f.code, f.span.line, f.span.column) for f in document.findings]


@pytest.mark.parametrize("text, expected", [
    ("tasks:\n  - name: a\n    input: {message: \"hi\"\n", ("AL101", 4, 1)),
    ("a: 1\nb: 2\na: 3\n", ("AL102", 3, 1)),
    ("tasks:\n\t- name: a\n", ("AL103", 2, 1)),
    ("- name: a\n", ("AL104", 1, 1)),
    ("just text\n", ("AL104", 1, 1)),
    ("# only a comment\n", ("AL105", 1, 1)),
    ("", ("AL105", 1, 1)),
    ("a: 1\n---\nb: 2\n", ("AL106", 3, 1)),
    ("\ufeffa: 1\n", ("AL107", 1, 1)),
    ("x: !!python/object/apply:os.system [id]\n", ("AL110", 1, 4)),
    ("x: !Ref thing\n", ("AL110", 1, 4)),
    ("common: &c {a: 1}\ntask:\n  <<: *c\n  b: 2\n", ("AL112", 3, 3)),
])
def test_loading_rule_fails_at_position(text: str, expected: tuple[str, int, int]) -> None:
    assert expected in codes(load_yaml_text(text, "f.yaml"))


def test_syntax_error_names_where_the_construct_started() -> None:
    document = load_yaml_text("tasks:\n  - name: a\n    input: {message: \"hi\"\n", "f.yaml")
    (finding,) = document.findings
    assert "started at line 3, column 12" in finding.message
    assert finding.related[0][1].line == 3


def test_duplicate_key_points_at_both_keys() -> None:
    (finding,) = load_yaml_text("a: 1\nb: 2\na: 3\n", "f.yaml").findings
    assert finding.related[0][1].line == 1
    assert "silently replaced" in finding.message


def test_tab_inside_block_scalar_is_content_not_indentation() -> None:
    assert codes(load_yaml_text("a: |\n  x\n  \ty\n", "f.yaml")) == []


def test_alias_bomb_is_refused_without_expanding() -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefgh"):
        prev = "abcdefgh"[i]
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    document = load_yaml_text("\n".join(levels) + "\n", "bomb.yaml")
    assert ("AL111", 1, 1) in codes(document)
    assert document.root is None


def test_non_utf8_file_is_reported_at_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"a: 1\nlabel: caf\xe9\n")
    document = read_yaml_file(path, "latin1.yaml")
    assert codes(document) == [("AL109", 2, 11)]
    assert "0xe9" in document.findings[0].message


def test_a_bad_byte_after_a_bom_is_reported_at_its_column() -> None:
    document = load_yaml_bytes(b"\xef\xbb\xbfab: \xff\n", "bom.yaml")  # a b : space, then 0xff
    assert codes(document) == [("AL109", 1, 5)]  # the BOM takes no column, as everywhere


def test_utf16_is_refused() -> None:
    assert codes(load_yaml_bytes("a: 1\n".encode("utf-16"), "f.yaml"))[0][0] == "AL109"
    assert "UTF-16" in load_yaml_bytes("a: 1\n".encode("utf-16"), "f.yaml").findings[0].message


def test_utf32_is_named_as_such() -> None:
    document = load_yaml_bytes("a: 1\n".encode("utf-32"), "f.yaml")
    assert codes(document) == [("AL109", 1, 1)] and "UTF-32" in document.findings[0].message


def test_file_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 2000 + "\n")
    document = read_yaml_file(path, "big.yaml", max_file_size=1000)
    assert codes(document) == [("AL108", 1, 1)]
    assert document.root is None
    assert codes(read_yaml_file(path, "big.yaml", max_file_size=10_000)) == []


def test_unreadable_path_is_a_finding(tmp_path: Path) -> None:
    document = read_yaml_file(tmp_path / "missing.yaml", "missing.yaml")
    assert codes(document) == [("AL109", 1, 1)]


def test_deep_nesting_is_a_finding_not_a_crash() -> None:
    text = "a: " + "[" * 5000 + "]" * 5000 + "\n"
    document = load_yaml_text(text, "deep.yaml")
    assert document.findings and document.findings[0].code == "AL101"


def test_unquoted_template_is_a_mapping_key() -> None:
    document = load_yaml_text("input:\n  m: {{ parameters.n }}\n", "f.yaml")
    assert codes(document) == [("AL113", 2, 6)]
    assert "unquoted '{{ ... }}'" in document.findings[0].message
    assert codes(load_yaml_text('input:\n  m: "{{ parameters.n }}"\n', "f.yaml")) == []
    assert codes(load_yaml_text("? [a, b]\n: 1\n", "f.yaml")) == [("AL113", 1, 3)]


def test_control_character_is_reported_where_it_is() -> None:
    document = load_yaml_text('a: 1\nlabel: "x\x1cy"\n', "f.yaml")
    assert codes(document) == [("AL101", 2, 10)]
    assert "U+001C" in document.findings[0].message
