"""Graph rules (AL301-AL314, attune_lint/rules/graph.py): each at the right line and column.

Each case is the whole workflow file; the expected findings ``(code, line, column)`` are
counted in it. The rules' FAIL/PASS examples are linted by test_rule_examples.py.
"""
from __future__ import annotations

from pathlib import Path

from rule_case import check, diagnostics

W = "workflows/w.yaml"


def test_duplicate_task_name(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next: [{do: [b]}]
          - name: b
            action: core.echo
          - name: b
            action: core.noop
    """}, [("AL301", 10, 11)], only="AL301")
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
    """}, [], only="AL301")


def test_unknown_transition_target(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next:
              - do: [notfiy]
          - name: notify
            action: core.echo
    """}, [("AL302", 8, 14)], only="AL302")
    (diag,) = diagnostics(result, "AL302")
    assert diag.suggestion == "did you mean 'notify'?"


def test_sub_task_targets_are_checked_against_siblings(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: fan
            type: parallel
            tasks:
              - name: x
                action: core.echo
                next: [{do: [y]}]
              - name: y
                action: core.echo
                next: [{do: [fan]}]
    """}, [("AL302", 13, 22)], only="AL302")


def test_sub_tasks_at_any_depth_are_checked(tmp_path: Path) -> None:
    workflow = {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: outer
            type: parallel
            tasks:
              - name: middle
                type: parallel
                tasks:
                  - name: inner
                    action: core.echo
                    next: [{do: [ghost]}]
    """}
    check(tmp_path, workflow, [("AL302", 13, 26)], only="AL302")
    check(tmp_path, workflow, [("AL311", 6, 11), ("AL311", 9, 15)], only="AL311")


def test_no_entry_task(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next: [{do: [b]}]
          - name: b
            action: core.echo
            next: [{when: "{{ failed() }}", do: [a]}]
    """}, [("AL303", 5, 11)], only="AL303")


def test_unreachable_tasks(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: start
            action: core.echo
          - name: loop_a
            action: core.echo
            next: [{do: [loop_b]}]
          - name: loop_b
            action: core.echo
            next: [{when: "{{ failed() }}", do: [loop_a]}]
    """}, [("AL304", 7, 11), ("AL304", 10, 11)], only="AL304")


def test_several_entry_tasks(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: build
            action: core.echo
          - name: notify
            action: core.echo
    """}, [("AL305", 7, 11)], only="AL305")


def test_legacy_fields_count_as_edges(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            on_success: b
          - name: b
            action: core.echo
    """}, [], only="AL305")


def test_join_exceeds_inbound(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next: [{do: [b, merge]}]
          - name: b
            action: core.echo
            next: [{do: [merge]}]
          - name: merge
            join: 3
            action: core.echo
    """}, [("AL306", 12, 11)], only="AL306")


def test_unconditional_beside_conditional(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next:
              - when: "{{ failed() }}"
                do: [b]
              - do: [c]
          - name: b
            action: core.echo
          - name: c
            action: core.echo
    """}, [("AL307", 10, 9)], only="AL307")
    # a transition without 'when' that leads to no task (a publish only) is not reported
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next:
              - when: "{{ failed() }}"
                do: [b]
              - when: "{{ succeeded() }}"
                do: [c]
              - publish: [{done: true}]
          - name: b
            action: core.echo
          - name: c
            action: core.echo
    """}, [], only="AL307")


def test_wait_for_in_cycle(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: start
            action: core.echo
            next: [{do: [ask]}]
          - name: ask
            action: core.echo
            wait_for: {inquiry: "{{ task.start.id }}"}
            next: [{when: "{{ failed() }}", do: [ask]}]
    """}, [("AL308", 10, 5)], only="AL308")
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: start
            action: core.echo
            next: [{do: [ask]}]
          - name: ask
            action: core.echo
            wait_for: {inquiry: "{{ task.start.id }}"}
    """}, [], only="AL308")


def test_legacy_beside_next(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            on_failure: b
            next:
              - do: [b]
          - name: b
            action: core.echo
    """}, [("AL309", 7, 5)], only="AL309")
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next:
              - do: [b]
          - name: b
            action: core.echo
    """}, [], only="AL309")


def test_legacy_transition(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            on_success: b
          - name: b
            action: core.echo
    """}, [("AL310", 7, 5)], only="AL310")


def test_legacy_task_type(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: fan
            type: parallel
            tasks:
              - {name: x, action: core.echo}
    """}, [("AL311", 6, 11)], only="AL311")
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: fan
            type: action
            action: core.echo
    """}, [], only="AL311")


def test_unguarded_cycle(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: first
            action: core.echo
            next: [{do: [poll]}]
          - name: poll
            action: core.echo
            next: [{do: [wait]}]
          - name: wait
            action: core.sleep
            next: [{do: [poll]}]
    """}, [("AL312", 8, 11)], only="AL312")
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: first
            action: core.echo
            next: [{do: [poll]}]
          - name: poll
            action: core.echo
            next: [{when: "{{ failed() }}", do: [wait]}]
          - name: wait
            action: core.sleep
            next: [{do: [poll]}]
    """}, [], only="AL312")


def test_reserved_task_name(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: item
            action: core.echo
    """}, [("AL313", 5, 11)], only="AL313")


def test_task_level_when(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            when: "{{ true }}"
            action: core.echo
    """}, [("AL314", 6, 5)], only="AL314")
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
    """}, [], only="AL314")
