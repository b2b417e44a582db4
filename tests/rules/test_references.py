"""Reference rules across files: refs, workflow_file, actions that exist."""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from attune_lint.settings.record import Settings
from attune_testkit import found, lint_pack

GRAPH = 'version: "1.0.0"\ntasks:\n  - name: a\n    action: core.echo\n'
ACTION = "ref: acme.deploy\nlabel: Deploy\nworkflow_file: workflows/deploy.workflow.yaml\n"


def codes(result, code: str) -> list[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    return [f for f in found(result) if f[0] == code]


@pytest.mark.parametrize("ref, ok", [
    ("acme.deploy", True), ("Acme.deploy", False), ("acme.Deploy", False), ("acme", False),
    ("acme.deploy.now", False), ("other.deploy", False), ("acme.1deploy", False), ("acme.deploy-now_2", True),
])
def test_action_ref_format(tmp_path: Path, ref: str, ok: bool) -> None:
    result = lint_pack(tmp_path, {"actions/a.yaml": f"ref: {ref}\nlabel: A\nrunner_type: shell\nentry_point: a.sh\n"})
    assert codes(result, "AL501") == ([] if ok else [("AL501", 1, 6)])


def test_standalone_ref_against_file_name(tmp_path: Path) -> None:
    body = 'label: W\nversion: "1.0.0"\ntasks:\n  - name: a\n    action: core.echo\n'
    result = lint_pack(tmp_path / "bad", {"workflows/deploy.yaml": "ref: acme.deploy_app\n" + body})
    assert codes(result, "AL502") == [("AL502", 1, 6)]
    result = lint_pack(tmp_path / "good", {"workflows/deploy.workflow.yaml": "ref: acme.deploy\n" + body})
    assert codes(result, "AL502") == []


@pytest.mark.parametrize("value", ["../workflows/deploy.yaml", "/etc/deploy.yaml", "graphs/deploy.yaml",
                                   "workflows/../../deploy.yaml"])
def test_workflow_file_must_stay_under_actions_workflows(tmp_path: Path, value: str) -> None:
    result = lint_pack(tmp_path, {"actions/deploy.yaml": ACTION.replace("workflows/deploy.workflow.yaml", value),
                                  "workflows/deploy.yaml": "ref: acme.deploy\n" + GRAPH})
    assert codes(result, "AL503") == [("AL503", 3, 16)]


def test_workflow_file_symlink_leaving_the_folder(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(GRAPH)
    pack_files = {"actions/deploy.yaml": ACTION}
    result_dir = tmp_path / "p"
    (result_dir / "acme" / "actions" / "workflows").mkdir(parents=True)
    os.symlink(outside, result_dir / "acme" / "actions" / "workflows" / "deploy.workflow.yaml")
    result = lint_pack(result_dir, pack_files)
    assert codes(result, "AL503") == [("AL503", 3, 16)]


def test_workflow_file_missing_and_present(tmp_path: Path) -> None:
    result = lint_pack(tmp_path / "bad", {"actions/deploy.yaml": ACTION,
                                          "actions/workflows/deploi.workflow.yaml": GRAPH})
    assert codes(result, "AL504") == [("AL504", 3, 16)]
    (diag,) = [d for d in result.diagnostics if d.code == "AL504"]
    assert diag.suggestion == "did you mean 'workflows/deploi.workflow.yaml'?"
    result = lint_pack(tmp_path / "good", {"actions/deploy.yaml": ACTION,
                                           "actions/workflows/deploy.workflow.yaml": GRAPH})
    assert found(result) == []


def test_graph_repeating_action_keys(tmp_path: Path) -> None:
    result = lint_pack(tmp_path, {"actions/deploy.yaml": ACTION,
                                  "actions/workflows/deploy.workflow.yaml": "ref: acme.deploy\nlabel: D\n" + GRAPH})
    assert codes(result, "AL505") == [("AL505", 1, 1), ("AL505", 2, 1)]


def test_unknown_actions(tmp_path: Path) -> None:
    graph = GRAPH + "  - name: b\n    action: core.ecko\n  - name: c\n    action: acme.buld\n  - name: d\n    action: other.thing\n"
    graph = graph.replace("    action: core.echo\n", "    action: core.echo\n    next: [{do: [b, c, d]}]\n")
    files = {"actions/deploy.yaml": ACTION, "actions/build.yaml": "ref: acme.build\nlabel: B\nrunner_type: shell\nentry_point: b.sh\n",
             "actions/workflows/deploy.workflow.yaml": graph}
    result = lint_pack(tmp_path, files)
    assert codes(result, "AL506") == [("AL506", 7, 13), ("AL506", 9, 13)]
    messages = {d.line: d.suggestion for d in result.diagnostics if d.code == "AL506"}
    assert messages == {7: "did you mean 'core.echo'?", 9: "did you mean 'acme.build'?"}
    strict = replace(Settings(), strict_external_actions=True)
    assert codes(lint_pack(tmp_path, files, settings=strict), "AL506")[-1] == ("AL506", 11, 13)
    known = replace(strict, external_actions=("other.thing",))
    assert ("AL506", 11, 13) not in codes(lint_pack(tmp_path, files, settings=known), "AL506")


def test_workflow_action_with_runner_keys(tmp_path: Path) -> None:
    result = lint_pack(tmp_path, {"actions/deploy.yaml": ACTION + "runner_type: python\n",
                                  "actions/workflows/deploy.workflow.yaml": GRAPH})
    assert codes(result, "AL507") == [("AL507", 4, 1)]


def test_duplicate_action_refs(tmp_path: Path) -> None:
    action = "ref: acme.build\nlabel: B\nrunner_type: shell\nentry_point: b.sh\n"
    result = lint_pack(tmp_path, {"actions/a.yaml": action, "actions/b.yaml": action})
    (diag,) = [d for d in result.diagnostics if d.code == "AL508"]
    assert (diag.path.endswith("actions/b.yaml"), diag.line, diag.column) == (True, 1, 6)


def test_pack_folder_named_after_the_ref(tmp_path: Path) -> None:
    from attune_lint.run.runner import lint
    from attune_testkit import write_files

    root = write_files(tmp_path / "acme-tools", {"pack.yaml": 'ref: acme\nversion: "1.0.0"\n'})
    assert [(d.code, d.line, d.column) for d in lint([root]).diagnostics] == [("AL509", 1, 6)]


def test_single_file_is_checked_with_its_pack_context(tmp_path: Path) -> None:
    files = {"actions/deploy.yaml": ACTION, "actions/build.yaml": "ref: acme.build\nlabel: B\nrunner_type: shell\nentry_point: b.sh\n",
             "actions/workflows/deploy.workflow.yaml": GRAPH.replace("core.echo", "acme.build")}
    result = lint_pack(tmp_path, files, "actions/workflows/deploy.workflow.yaml")
    assert [t.kind for t in result.workspace.targets] == ["graph"]
    assert found(result) == []
    result = lint_pack(tmp_path, {**files, "actions/build.yaml": "ref: acme.compile\nlabel: B\nrunner_type: shell\nentry_point: b.sh\n"},
                       "actions/build.yaml")
    # a changed action file re-checks the workflow that uses it
    assert sorted(t.kind for t in result.workspace.targets) == ["action", "graph"]
    assert codes(result, "AL506") == [("AL506", 4, 13)]
