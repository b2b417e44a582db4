"""Structure rules (AL201-AL206, attune_lint/rules/structure.py): schema errors land on the
exact node with one plain sentence.

Each case is the whole file; the expected findings ``(code, line, column)`` are counted in
it. The rules' FAIL/PASS examples are linted by test_rule_examples.py.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from rule_case import check, diagnostics, findings, lint_case

W = "workflows/w.yaml"


def test_valid_standalone_workflow_passes(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next:
              - when: "{{ succeeded() }}"
                do: [b]
          - name: b
            action: core.noop
    """}, [], only="AL2", paths=[W])


def test_unknown_key_points_at_key_and_suggests(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            on_sucess: b
            next:
              - when: "{{ succeeded() }}"
                do: [b]
          - name: b
            action: core.noop
    """}, [("AL201", 7, 5)], only="AL201")
    (diag,) = diagnostics(result, "AL201")
    assert diag.span.end_column == 14
    assert diag.suggestion == "did you mean 'on_success'?"
    assert diag.severity.label == "warning"


def test_unknown_key_in_strict_object_is_an_error(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next:
              - when: "{{ succeeded() }}"
                do: [b]
          - name: b
            action: core.noop
            iterate_cache:
              namespace: users
              page_sise: 10
    """}, [("AL201", 14, 7)], only="AL201")
    (diag,) = diagnostics(result, "AL201")
    assert diag.severity.label == "error"
    assert diag.suggestion == "did you mean 'page_size'?"


def test_wrong_type_points_at_value(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        vars:
          - count: 1
        tasks:
          - name: a
            action: core.echo
            next:
              - when: "{{ succeeded() }}"
                do: [b]
          - name: b
            action: core.noop
    """}, [("AL202", 5, 3)], only="AL202", paths=[W])
    (diag,) = diagnostics(result, "AL202")
    assert "'vars' must be" in diag.message and "found a list" in diag.message


def test_scalar_do_is_a_wrong_type(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next:
              - when: "{{ succeeded() }}"
                do: b
          - name: b
            action: core.noop
    """}, [("AL202", 9, 13)], only="AL202", paths=[W])
    assert "tasks[0].next[0].do" in diagnostics(result, "AL202")[0].message


def test_an_error_in_one_task_does_not_hide_the_others(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next:
              - when: "{{ succeeded() }}"
                do: b
          - name: b
            action: core.noop
            with_items: [1, 2]
    """}, [("AL202", 9, 13), ("AL202", 12, 17)], only="AL202", paths=[W])


def test_missing_required_key_points_at_the_mapping(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        tasks:
          - name: a
            action: core.echo
            next:
              - when: "{{ succeeded() }}"
                do: [b]
          - name: b
            action: core.noop
    """}, [("AL203", 1, 1)], only="AL203", paths=[W])
    assert "'version'" in diagnostics(result, "AL203")[0].message


def test_missing_action_in_task(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next:
              - when: "{{ succeeded() }}"
                do: [b]
          - name: b
    """}, [("AL203", 10, 5)], only="AL203", paths=[W])
    assert "'action'" in diagnostics(result, "AL203")[0].message


def test_out_of_range_value(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next:
              - when: "{{ succeeded() }}"
                do: [b]
          - name: b
            action: core.noop
            retry:
              count: 0
              delay: 5
    """}, [("AL204", 13, 14)], only="AL204", paths=[W])
    assert "at least 1" in diagnostics(result, "AL204")[0].message


def test_bad_enum_lists_the_allowed_values(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next:
              - when: "{{ succeeded() }}"
                do: [b]
          - name: b
            action: core.noop
        cancellation_policy: cancel_runing
    """}, [("AL204", 12, 22)], only="AL204", paths=[W])
    assert '"cancel_running"' in diagnostics(result, "AL204")[0].message


def test_bad_variable_name_points_at_the_key(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        vars:
          ok: 1
          bad name: 2
        tasks:
          - name: a
            action: core.echo
            next:
              - when: "{{ succeeded() }}"
                do: [b]
          - name: b
            action: core.noop
    """}, [("AL204", 6, 3)], only="AL204", paths=[W])
    message = diagnostics(result, "AL204")[0].message
    assert "'bad name'" in message and "letters, digits" in message


def test_unquoted_version_is_reported_with_the_number_yaml_reads(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: 1.10
        tasks:
          - name: a
            action: core.echo
            next:
              - when: "{{ succeeded() }}"
                do: [b]
          - name: b
            action: core.noop
    """}, [("AL205", 3, 10)], only="AL205", paths=[W])
    assert "1.1" in diagnostics(result, "AL205")[0].message


def test_ignored_key_is_reported(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next:
              - when: "{{ succeeded() }}"
                do: [b]
          - name: b
            action: core.noop
        output_schema:
          result: {type: string}
    """}, [("AL206", 12, 1)], only="AL206", paths=[W])


def test_graph_file_needs_no_ref(tmp_path: Path) -> None:
    check(tmp_path, {
        "actions/w.yaml": """
            ref: acme.w
            label: W
            workflow_file: workflows/w.workflow.yaml
        """,
        "actions/workflows/w.workflow.yaml": """
            version: "1.0.0"
            tasks:
              - name: a
                action: core.echo
                next:
                  - when: "{{ succeeded() }}"
                    do: [b]
              - name: b
                action: core.noop
        """,
    }, [], only="AL2")


@pytest.mark.parametrize("manifest, expected", [
    ('ref: Acme\nversion: "1.0.0"\n', ("AL204", 1, 6)),
    ('ref: acme\nversion: "1.0"\n', ("AL204", 2, 10)),
    ("ref: acme\n", ("AL203", 1, 1)),
])
def test_pack_manifest(tmp_path: Path, manifest: str, expected: tuple[str, int, int]) -> None:
    result = lint_case(tmp_path, {"pack.yaml": manifest})
    assert ("pack.yaml", *expected) in findings(result)
