"""Gotcha rules (AL601-AL605, attune_lint/rules/gotchas.py): each at the right place.

Each case is the whole workflow file; the expected findings ``(code, line, column)`` are
counted in it. The rules' FAIL/PASS examples are linted by test_rule_examples.py.
"""
from __future__ import annotations

from pathlib import Path

from rule_case import check

W = "workflows/w.yaml"


def test_json_schema_parameters(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        parameters:
          type: object
          properties:
            retries: {type: integer, default: 3}
        tasks:
          - name: a
            action: core.echo
    """}, [("AL601", 4, 1)], only="AL601")


def test_null_permission_set_refs(tmp_path: Path) -> None:
    for null in ("null", "~"):
        check(tmp_path, {W: f"""
            ref: acme.w
            label: W
            version: "1.0.0"
            tasks:
              - name: a
                action: core.echo
                permission_set_refs: {null}
        """}, [("AL602", 7, 26)], only="AL602")


def test_foreign_dialect(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        input:
          - message
        tasks:
          greet:
            action: core.echo
            on-success: [done]
    """}, [("AL603", 6, 1)], only="AL603")
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
    """}, [], only="AL603")


def test_decision_nested_in_do(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            on_failure:
              - when: x
                do:
                  - when: y
                    next: a
    """}, [("AL604", 10, 11)], only="AL604")
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            on_failure: a
    """}, [], only="AL604")


def test_hyphen_in_task_name(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: fetch-data
            action: core.echo
    """}, [("AL605", 5, 11)], only="AL605")
