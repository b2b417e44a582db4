"""Inline suppressions in a lint run, and the meta rules they raise (AL951-AL953,
attune_lint/rules/meta.py, emitted by the checker's suppression handling in
attune_lint/check/checker.py).

Each case is the whole workflow file; the expected findings ``(code, line, column)`` are
counted in it. The comment scanner and directive parser are tested in
tests/test_suppressions.py; the rules' FAIL/PASS examples by test_rule_examples.py.
"""
from __future__ import annotations

from pathlib import Path

from attune_lint.settings.record import Settings
from rule_case import check

F = "workflows/flow.yaml"


def test_without_suppressions_both_findings_are_reported(tmp_path: Path) -> None:
    check(tmp_path, {F: """
        ref: acme.flow
        label: Flow
        version: 1.0
        bogus: 1
        tasks:
          - name: a
            action: core.echo
    """}, [("AL205", 3, 10), ("AL201", 4, 1)])


def test_disable_on_the_line(tmp_path: Path) -> None:
    check(tmp_path, {F: """
        ref: acme.flow
        label: Flow
        version: 1.0  # attune-lint: disable=AL205
        bogus: 1
        tasks:
          - name: a
            action: core.echo
    """}, [("AL201", 4, 1)])


def test_disable_by_rule_name_and_several_codes(tmp_path: Path) -> None:
    # AL102 is listed but nothing of it is on line 4: that one code is reported unused.
    check(tmp_path, {F: """
        ref: acme.flow
        label: Flow
        version: 1.0  # attune-lint: disable=unquoted-string
        bogus: 1  # attune-lint: disable=AL102, AL201
        tasks:
          - name: a
            action: core.echo
    """}, [("AL952", 4, 34)])


def test_disable_next_line_skips_blank_and_comment_lines(tmp_path: Path) -> None:
    check(tmp_path, {F: """
        ref: acme.flow
        label: Flow
        version: 1.0
        # attune-lint: disable-next-line=AL201

        # why: legacy
        bogus: 1
        tasks:
          - name: a
            action: core.echo
    """}, [("AL205", 3, 10)])


def test_disable_file_anywhere(tmp_path: Path) -> None:
    check(tmp_path, {F: """
        ref: acme.flow
        label: Flow
        version: 1.0
        bogus: 1
        tasks:
          - name: a
            action: core.echo
        # attune-lint: disable-file=AL201,AL205
    """}, [])


def test_suppression_after_a_quoted_value_containing_a_hash(tmp_path: Path) -> None:
    check(tmp_path, {F: """
        ref: acme.flow
        label: "a # b"
        version: 1.0
        bogus: 'x # y'  # attune-lint: disable=AL201
        tasks:
          - name: a
            action: core.echo
    """}, [("AL205", 3, 10)])


def test_hash_in_quoted_string_does_not_suppress(tmp_path: Path) -> None:
    check(tmp_path, {F: """
        ref: acme.flow
        label: Flow
        version: 1.0
        bogus: "# attune-lint: disable=AL201"
        tasks:
          - name: a
            action: core.echo
    """}, [("AL205", 3, 10), ("AL201", 4, 1)])


def test_suppression_inside_a_flow_mapping(tmp_path: Path) -> None:
    files = {F: """
        ref: acme.flow
        version: "1.0"
        tasks:
          - {name: a, action: core.echo,
             colour: red,  # attune-lint: disable=AL201
             size: 2}
    """}
    check(tmp_path, files, [("AL201", 6, 6)], only="AL201")
    check(tmp_path, files, [], only="AL95")


def test_suppression_after_a_block_scalar(tmp_path: Path) -> None:
    check(tmp_path, {F: """
        ref: acme.flow
        version: "1.0"
        description: |
          text # attune-lint: disable=AL201
        bogus: 1  # attune-lint: disable=AL201
        extra: 2
        tasks:
          - name: a
            action: core.echo
    """}, [("AL201", 6, 1)])  # line 4 is block text, no suppression; line 5 is a real one


def test_unknown_code_and_unused_suppression_are_reported_where_written(tmp_path: Path) -> None:
    result = check(tmp_path, {F: """
        ref: acme.flow
        label: Flow  # attune-lint: disable=AL205
        version: 1.0  # attune-lint: disable=AL2O5
        bogus: 1  # attune-lint: disable=AL201
        tasks:
          - name: a
            action: core.echo
    """}, [("AL952", 2, 37), ("AL205", 3, 10), ("AL951", 3, 38)])
    unused = result.diagnostics[0]
    assert unused.rule == "unused-suppression" and "AL205" in unused.message
    assert (unused.span.end_column - unused.span.column) == len("AL205")


def test_meta_rules_can_be_turned_off(tmp_path: Path) -> None:
    check(tmp_path, {F: """
        ref: acme.flow
        label: Flow  # attune-lint: disable=AL205
        version: 1.0  # attune-lint: disable=AL2O5
        bogus: 1
        tasks:
          - name: a
            action: core.echo
    """}, [("AL205", 3, 10), ("AL201", 4, 1)], settings=Settings(ignore=("AL951", "unused-suppression")))
    check(tmp_path, {F: """
        ref: acme.flow
        label: Flow  # attune-lint: disable=AL205
        version: 1.0  # attune-lint: disable=AL2O5
        bogus: 1
        tasks:
          - name: a
            action: core.echo
        # attune-lint: disable-file=AL951,AL952
    """}, [("AL205", 3, 10), ("AL201", 4, 1)])


def test_malformed_directive(tmp_path: Path) -> None:
    check(tmp_path, {F: """
        ref: acme.flow
        label: Flow
        version: 1.0
        bogus: 1  # attune-lint: ignore AL201
        tasks:
          - name: a
            action: core.echo
    """}, [("AL205", 3, 10), ("AL201", 4, 1), ("AL953", 4, 13)])


def test_suppressions_run_before_select(tmp_path: Path) -> None:
    """A suppression of a rule that --select switches off is still used, not 'unused'."""
    check(tmp_path, {F: """
        ref: acme.flow
        label: Flow
        version: 1.0  # attune-lint: disable=AL205
        bogus: 1
        tasks:
          - name: a
            action: core.echo
    """}, [("AL201", 4, 1)], settings=Settings(select=("AL201", "AL952")))


def test_disable_alone_on_its_line_hints_at_disable_next_line(tmp_path: Path) -> None:
    result = check(tmp_path, {F: """
        ref: acme.flow
        label: Flow
        version: 1.0
        # attune-lint: disable=AL201
        bogus: 1
        tasks:
          - name: a
            action: core.echo
    """}, [("AL205", 3, 10), ("AL952", 4, 24), ("AL201", 5, 1)])
    assert "disable-next-line" in (result.diagnostics[1].suggestion or "")


def test_every_meta_rule_is_in_the_catalog() -> None:
    from attune_lint.rules.catalog import all_rules
    from attune_lint.rules.meta import RULES

    catalog = all_rules()
    for rule in RULES:
        assert catalog[rule.code] is rule
        assert "FAIL:" in rule.doc and "PASS:" in rule.doc


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

