"""The positioned loader: the tree it builds, its positions and its robustness.

The findings of the YAML reader's rules (AL1xx) are tested in tests/rules/test_document.py.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from attune_lint.document.reader import load_yaml_bytes, load_yaml_text
from attune_lint.document.tree import MappingNode, ScalarNode, SequenceNode, node_at_path, to_python

VALID = 'version: "1.0.0"\ntasks:\n  - name: a\n    action: core.echo\n'


def codes(document) -> list[tuple[str, int, int]]:
    return [(f.code, f.span.line, f.span.column) for f in document.findings]


def test_valid_file_has_no_findings_and_positions() -> None:
    document = load_yaml_text(VALID, "w.yaml")
    assert codes(document) == []
    tasks = node_at_path(document.root, ["tasks"])
    assert isinstance(tasks, SequenceNode)
    action = node_at_path(document.root, ["tasks", 0, "action"])
    assert isinstance(action, ScalarNode)
    assert (action.start.line, action.start.column, action.end.line, action.end.column) == (4, 13, 4, 22)
    key = document.root.key_node("version")
    assert (key.start.line, key.start.column) == (1, 1)


def test_aliases_are_shared_not_copied() -> None:
    document = load_yaml_text("a: &x {k: [1, 2]}\nb: *x\nc: *x\n", "f.yaml")
    assert codes(document) == []
    value = to_python(document.root)
    assert value["b"] is value["c"] and value["b"] == {"k": [1, 2]}


def test_scalars_are_typed_as_attune_reads_them() -> None:
    document = load_yaml_text("a: yes\nb: 1.10\nc: '1'\nd: !!str 5\ne: ~\nf: 0x1f\ng: on\n", "f.yaml")
    assert to_python(document.root) == {"a": "yes", "b": 1.1, "c": "1", "d": "5", "e": None, "f": 31, "g": "on"}


def test_crlf_positions_match_lf(tmp_path: Path) -> None:
    crlf = load_yaml_text(VALID.replace("\n", "\r\n"), "f.yaml")
    node = node_at_path(crlf.root, ["tasks", 0, "action"])
    assert (node.start.line, node.start.column) == (4, 13)


def test_non_ascii_columns_count_characters() -> None:
    document = load_yaml_text("label: 'é✓'\nx: [1, 2]\nlater: {k: v}\n", "f.yaml")
    node = node_at_path(document.root, ["later", "k"])
    assert (node.start.line, node.start.column) == (3, 12)
    inline = load_yaml_text("a: {é: 1, b: 2}\n", "f.yaml")
    b_key = inline.root.get("a").key_node("b")
    assert (b_key.start.line, b_key.start.column) == (1, 11)


@pytest.mark.parametrize("garbage", [
    b"\x00\x01\x02", b"{{{{", b"a: b: c", b"- [", b"'unterminated", b"%YAML 9.9\n---\na: 1\n",
    b"? [a, b]\n: c\n", b"a: *undefined\n", b"!!binary x: 1\n",
])
def test_garbage_never_raises(garbage: bytes) -> None:
    document = load_yaml_bytes(garbage, "g.yaml")
    assert isinstance(document.findings, list)


def test_pure_python_loader_gives_the_same_positions(monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    import attune_lint.document.reader as loader

    monkeypatch.setattr(loader, "_Loader", yaml.SafeLoader)
    document = loader.load_yaml_text(VALID + "tasks: 2\n", "f.yaml")
    assert codes(document) == [("AL102", 5, 1)]
    node = node_at_path(document.root, ["version"])
    assert isinstance(node, ScalarNode) and (node.start.line, node.start.column) == (1, 10)
    assert isinstance(document.root, MappingNode)


def test_unicode_line_separators_do_not_shift_line_numbers() -> None:
    # PyYAML counts U+2028 and U+0085 as line breaks; editors and SARIF readers do not.
    text = 'a: "x\u2028y\x85z"\nb:\n  c: 1\n  c: 2\n'
    document = load_yaml_text(text, "f.yaml")
    assert codes(document) == [("AL102", 4, 3)]
    assert document.source.line_text(4) == "  c: 2"
    node = node_at_path(document.root, ["b", "c"])
    assert (node.start.line, node.start.column) == (4, 6)
    broken = load_yaml_text('a: "x\u2028y"\nb: [\n', "f.yaml")
    assert codes(broken)[0][:2] == ("AL101", 3)
