"""Structure rules: schema errors land on the exact node with one plain sentence."""
from __future__ import annotations

from pathlib import Path

import pytest

from attune_lint.run.runner import lint

from attune_testkit import write_files

PACK = 'ref: acme\nlabel: Acme\nversion: "1.0.0"\n'


def findings(tmp_path: Path, workflow: str, name: str = "workflows/w.yaml") -> list[tuple[str, int, int, str]]:
    root = write_files(tmp_path / "acme", {"pack.yaml": PACK, name: workflow})
    result = lint([root / name])
    return [(d.code, d.line, d.column, d.message) for d in result.diagnostics]


def only(found, code):
    return [f for f in found if f[0] == code]


GOOD = """
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
"""


def test_valid_standalone_workflow_passes(tmp_path: Path) -> None:
    assert only(findings(tmp_path, GOOD), "AL201") == []
    assert [f for f in findings(tmp_path, GOOD) if f[0].startswith("AL2")] == []


def test_unknown_key_points_at_key_and_suggests(tmp_path: Path) -> None:
    text = GOOD.replace("    next:\n", "    on_sucess: b\n    next:\n", 1)
    root = write_files(tmp_path / "acme", {"pack.yaml": PACK, "workflows/w.yaml": text})
    (diag,) = [d for d in lint([root]).diagnostics if d.code == "AL201"]
    assert (diag.line, diag.column, diag.end_column if hasattr(diag, "end_column") else diag.span.end_column) == (7, 5, 14)
    assert diag.suggestion == "did you mean 'on_success'?"
    assert diag.severity.label == "warning"


def test_unknown_key_in_strict_object_is_an_error(tmp_path: Path) -> None:
    text = GOOD.replace("    action: core.noop\n", "    action: core.noop\n    iterate_cache:\n      namespace: users\n      page_sise: 10\n")
    root = write_files(tmp_path / "acme", {"pack.yaml": PACK, "workflows/w.yaml": text})
    (diag,) = [d for d in lint([root]).diagnostics if d.code == "AL201"]
    assert (diag.line, diag.column) == (14, 7)
    assert diag.severity.label == "error"
    assert diag.suggestion == "did you mean 'page_size'?"


def test_wrong_type_points_at_value(tmp_path: Path) -> None:
    text = GOOD.replace('version: "1.0.0"\n', 'version: "1.0.0"\nvars:\n  - count: 1\n')
    (diag,) = only(findings(tmp_path, text), "AL202")
    assert diag[1:3] == (5, 3)
    assert "'vars' must be" in diag[3] and "found a list" in diag[3]


def test_scalar_do_is_a_wrong_type(tmp_path: Path) -> None:
    text = GOOD.replace("do: [b]", "do: b")
    (diag,) = only(findings(tmp_path, text), "AL202")
    assert diag[1:3] == (9, 13)
    assert "tasks[0].next[0].do" in diag[3]


def test_missing_required_key_points_at_the_mapping(tmp_path: Path) -> None:
    text = GOOD.replace('version: "1.0.0"\n', "")
    (diag,) = only(findings(tmp_path, text), "AL203")
    assert diag[1:3] == (1, 1)
    assert "'version'" in diag[3]


def test_missing_action_in_task(tmp_path: Path) -> None:
    text = GOOD.replace("    action: core.noop\n", "")
    (diag,) = only(findings(tmp_path, text), "AL203")
    assert diag[1:3] == (10, 5)
    assert "'action'" in diag[3]


def test_out_of_range_value(tmp_path: Path) -> None:
    text = GOOD.replace("    action: core.noop\n", "    action: core.noop\n    retry:\n      count: 0\n      delay: 5\n")
    (diag,) = only(findings(tmp_path, text), "AL204")
    assert diag[1:3] == (13, 14)
    assert "at least 1" in diag[3]


def test_bad_enum_lists_the_allowed_values(tmp_path: Path) -> None:
    text = GOOD + "cancellation_policy: cancel_runing\n"
    (diag,) = only(findings(tmp_path, text), "AL204")
    assert diag[1:3] == (12, 22)
    assert '"cancel_running"' in diag[3]


def test_unquoted_version_is_reported_with_the_number_yaml_reads(tmp_path: Path) -> None:
    text = GOOD.replace('version: "1.0.0"', "version: 1.10")
    (diag,) = only(findings(tmp_path, text), "AL205")
    assert diag[1:3] == (3, 10)
    assert "1.1" in diag[3]


def test_ignored_key_is_reported_with_the_reason(tmp_path: Path) -> None:
    text = GOOD + "output_schema:\n  result: {type: string}\n"
    (diag,) = only(findings(tmp_path, text), "AL206")
    assert diag[1:3] == (12, 1)


def test_an_error_in_one_task_does_not_hide_the_others(tmp_path: Path) -> None:
    text = GOOD.replace("do: [b]", "do: b").replace("    action: core.noop\n", "    action: core.noop\n    with_items: [1, 2]\n")
    found = only(findings(tmp_path, text), "AL202")
    assert [f[1] for f in found] == [9, 12]


def test_graph_file_needs_no_ref(tmp_path: Path) -> None:
    root = write_files(tmp_path / "acme", {
        "pack.yaml": PACK,
        "actions/w.yaml": "ref: acme.w\nlabel: W\nworkflow_file: workflows/w.workflow.yaml\n",
        "actions/workflows/w.workflow.yaml": GOOD.replace("ref: acme.w\nlabel: W\n", ""),
    })
    assert [d for d in lint([root]).diagnostics if d.code.startswith("AL2")] == []


@pytest.mark.parametrize("manifest, code, position", [
    ('ref: Acme\nversion: "1.0.0"\n', "AL204", (1, 6)),
    ('ref: acme\nversion: "1.0"\n', "AL204", (2, 10)),
    ("ref: acme\n", "AL203", (1, 1)),
])
def test_pack_manifest(tmp_path: Path, manifest: str, code: str, position: tuple[int, int]) -> None:
    root = write_files(tmp_path / "acme", {"pack.yaml": manifest})
    found = [(d.code, d.line, d.column) for d in lint([root]).diagnostics]
    assert (code, *position) in found


def test_bad_variable_name_points_at_the_key(tmp_path: Path) -> None:
    text = GOOD.replace('version: "1.0.0"\n', 'version: "1.0.0"\nvars:\n  ok: 1\n  bad name: 2\n')
    (diag,) = only(findings(tmp_path, text), "AL204")
    assert diag[1:3] == (6, 3)
    assert "'bad name'" in diag[3] and "letters, digits" in diag[3]
