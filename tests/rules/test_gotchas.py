"""Gotcha rules: each fails and passes at the right place."""
from __future__ import annotations

from pathlib import Path

from attune_testkit import found, lint_pack

HEAD = 'ref: acme.w\nlabel: W\nversion: "1.0.0"\n'
TASKS = "tasks:\n  - name: a\n    action: core.echo\n"


def codes(tmp_path: Path, text: str, code: str) -> list[tuple[str, int, int]]:
    return [f for f in found(lint_pack(tmp_path, {"workflows/w.yaml": text})) if f[0] == code]


def test_json_schema_parameters(tmp_path: Path) -> None:
    bad = HEAD + "parameters:\n  type: object\n  properties:\n    retries: {type: integer, default: 3}\n" + TASKS
    assert codes(tmp_path / "a", bad, "AL601") == [("AL601", 4, 1)]
    good = HEAD + "parameters:\n  retries: {type: integer, default: 3}\n" + TASKS
    assert codes(tmp_path / "b", good, "AL601") == []


def test_null_permission_set_refs(tmp_path: Path) -> None:
    assert codes(tmp_path / "a", HEAD + TASKS + "    permission_set_refs: null\n", "AL602") == [("AL602", 7, 26)]
    assert codes(tmp_path / "b", HEAD + TASKS + "    permission_set_refs: ~\n", "AL602") == [("AL602", 7, 26)]
    assert codes(tmp_path / "c", HEAD + TASKS + "    permission_set_refs: []\n", "AL602") == []


def test_foreign_dialect(tmp_path: Path) -> None:
    bad = HEAD + "input:\n  - message\ntasks:\n  greet:\n    action: core.echo\n    on-success: [done]\n"
    assert codes(tmp_path / "a", bad, "AL603") == [("AL603", 6, 1)]
    assert codes(tmp_path / "b", HEAD + TASKS, "AL603") == []


def test_decision_nested_in_do(tmp_path: Path) -> None:
    bad = HEAD + TASKS + "    on_failure:\n      - when: x\n        do:\n          - when: y\n            next: a\n"
    assert codes(tmp_path / "a", bad, "AL604") == [("AL604", 10, 11)]
    good = HEAD + TASKS + "    on_failure: a\n"
    assert codes(tmp_path / "b", good, "AL604") == []


def test_hyphen_in_task_name(tmp_path: Path) -> None:
    assert codes(tmp_path / "a", HEAD + TASKS.replace("name: a", "name: fetch-data"), "AL605") == [("AL605", 5, 11)]
    assert codes(tmp_path / "b", HEAD + TASKS.replace("name: a", "name: fetch_data"), "AL605") == []
