"""Graph rules: each fails and passes, at the right line and column."""
from __future__ import annotations

from pathlib import Path

import pytest

from attune_testkit import found, lint_pack

HEAD = 'ref: acme.w\nlabel: W\nversion: "1.0.0"\ntasks:\n'


def graph(tmp_path: Path, tasks: str, code: str) -> list[tuple[str, int, int]]:
    result = lint_pack(tmp_path, {"workflows/w.yaml": HEAD + tasks})
    return [f for f in found(result) if f[0] == code]


CASES = {
    "AL301": ("""  - name: a
    action: core.echo
    next: [{do: [b]}]
  - name: b
    action: core.echo
  - name: b
    action: core.noop
""", [("AL301", 10, 11)], "  - name: a\n    action: core.echo\n"),
    "AL302": ("""  - name: a
    action: core.echo
    next:
      - do: [notfiy]
  - name: notify
    action: core.echo
""", [("AL302", 8, 14)], "  - name: a\n    action: core.echo\n    next:\n      - do: [notify]\n  - name: notify\n    action: core.echo\n"),
    "AL303": ("""  - name: a
    action: core.echo
    next: [{do: [b]}]
  - name: b
    action: core.echo
    next: [{when: "{{ failed() }}", do: [a]}]
""", [("AL303", 5, 11)], "  - name: a\n    action: core.echo\n    next: [{do: [b]}]\n  - name: b\n    action: core.echo\n"),
    "AL304": ("""  - name: start
    action: core.echo
  - name: loop_a
    action: core.echo
    next: [{do: [loop_b]}]
  - name: loop_b
    action: core.echo
    next: [{when: "{{ failed() }}", do: [loop_a]}]
""", [("AL304", 7, 11), ("AL304", 10, 11)], """  - name: start
    action: core.echo
    next: [{do: [loop_a]}]
  - name: loop_a
    action: core.echo
    next: [{do: [loop_b]}]
  - name: loop_b
    action: core.echo
    next: [{when: "{{ failed() }}", do: [loop_a]}]
"""),
    "AL305": ("""  - name: build
    action: core.echo
  - name: notify
    action: core.echo
""", [("AL305", 7, 11)], "  - name: build\n    action: core.echo\n    next: [{do: [notify]}]\n  - name: notify\n    action: core.echo\n"),
    "AL306": ("""  - name: a
    action: core.echo
    next: [{do: [b, merge]}]
  - name: b
    action: core.echo
    next: [{do: [merge]}]
  - name: merge
    join: 3
    action: core.echo
""", [("AL306", 12, 11)], """  - name: a
    action: core.echo
    next: [{do: [b, merge]}]
  - name: b
    action: core.echo
    next: [{do: [merge]}]
  - name: merge
    join: 2
    action: core.echo
"""),
    "AL307": ("""  - name: a
    action: core.echo
    next:
      - when: "{{ failed() }}"
        do: [b]
      - do: [c]
  - name: b
    action: core.echo
  - name: c
    action: core.echo
""", [("AL307", 10, 9)], """  - name: a
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
"""),
    "AL308": ("""  - name: start
    action: core.echo
    next: [{do: [ask]}]
  - name: ask
    action: core.echo
    wait_for: {inquiry: "{{ task.start.id }}"}
    next: [{when: "{{ failed() }}", do: [ask]}]
""", [("AL308", 10, 5)], """  - name: start
    action: core.echo
    next: [{do: [ask]}]
  - name: ask
    action: core.echo
    wait_for: {inquiry: "{{ task.start.id }}"}
"""),
    "AL309": ("""  - name: a
    action: core.echo
    on_failure: b
    next:
      - do: [b]
  - name: b
    action: core.echo
""", [("AL309", 7, 5)], "  - name: a\n    action: core.echo\n    next:\n      - do: [b]\n  - name: b\n    action: core.echo\n"),
    "AL310": ("""  - name: a
    action: core.echo
    on_success: b
  - name: b
    action: core.echo
""", [("AL310", 7, 5)], """  - name: a
    action: core.echo
    next:
      - when: "{{ succeeded() }}"
        do: [b]
  - name: b
    action: core.echo
"""),
    "AL311": ("""  - name: fan
    type: parallel
    tasks:
      - {name: x, action: core.echo}
""", [("AL311", 6, 11)], "  - name: fan\n    type: action\n    action: core.echo\n"),
    "AL312": ("""  - name: first
    action: core.echo
    next: [{do: [poll]}]
  - name: poll
    action: core.echo
    next: [{do: [wait]}]
  - name: wait
    action: core.sleep
    next: [{do: [poll]}]
""", [("AL312", 8, 11)], """  - name: first
    action: core.echo
    next: [{do: [poll]}]
  - name: poll
    action: core.echo
    next: [{when: "{{ failed() }}", do: [wait]}]
  - name: wait
    action: core.sleep
    next: [{do: [poll]}]
"""),
    "AL313": ("  - name: item\n    action: core.echo\n", [("AL313", 5, 11)], "  - name: handle_item\n    action: core.echo\n"),
    "AL314": ("  - name: a\n    when: \"{{ true }}\"\n    action: core.echo\n", [("AL314", 6, 5)],
              "  - name: a\n    action: core.echo\n"),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fails_then_passes(tmp_path: Path, code: str) -> None:
    failing, expected, passing = CASES[code]
    assert graph(tmp_path / "fail", failing, code) == expected
    assert graph(tmp_path / "pass", passing, code) == []


def test_sub_task_targets_are_checked_against_siblings(tmp_path: Path) -> None:
    tasks = """  - name: fan
    type: parallel
    tasks:
      - name: x
        action: core.echo
        next: [{do: [y]}]
      - name: y
        action: core.echo
        next: [{do: [fan]}]
"""
    assert graph(tmp_path, tasks, "AL302") == [("AL302", 13, 22)]


def test_unknown_target_suggests_the_closest_name(tmp_path: Path) -> None:
    result = lint_pack(tmp_path, {"workflows/w.yaml": HEAD + CASES["AL302"][0]})
    (diag,) = [d for d in result.diagnostics if d.code == "AL302"]
    assert diag.suggestion == "did you mean 'notify'?"


def test_legacy_fields_count_as_edges(tmp_path: Path) -> None:
    tasks = "  - name: a\n    action: core.echo\n    on_success: b\n  - name: b\n    action: core.echo\n"
    assert graph(tmp_path, tasks, "AL305") == []


def test_sub_tasks_at_any_depth_are_checked(tmp_path: Path) -> None:
    tasks = """  - name: outer
    type: parallel
    tasks:
      - name: middle
        type: parallel
        tasks:
          - name: inner
            action: core.echo
            next: [{do: [ghost]}]
"""
    assert graph(tmp_path, tasks, "AL302") == [("AL302", 13, 26)]
    assert [f[1] for f in graph(tmp_path, tasks, "AL311")] == [6, 9]
