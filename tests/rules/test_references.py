"""Reference rules across files (AL501-AL509, attune_lint/rules/references.py): refs,
workflow_file, actions that exist.

Each case is the whole set of files; the expected findings are ``(code, line, column)`` in
the case's one file, or ``(path, code, line, column)`` when it has several. The rules'
FAIL/PASS examples are linted by test_rule_examples.py.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from attune_lint.settings.record import Settings
from rule_case import check, diagnostics, findings, lint_case

ACTION = "actions/deploy.yaml"
GRAPH = "actions/workflows/deploy.workflow.yaml"


@pytest.mark.parametrize("ref, expected", [
    ("acme.deploy", []),
    ("Acme.deploy", [("AL501", 1, 6)]),
    ("acme.Deploy", [("AL501", 1, 6)]),
    ("acme", [("AL501", 1, 6)]),
    ("acme.deploy.now", [("AL501", 1, 6)]),
    ("other.deploy", [("AL501", 1, 6)]),
    ("acme.1deploy", [("AL501", 1, 6)]),
    ("acme.deploy-now_2", []),
])
def test_action_ref_format(tmp_path: Path, ref: str, expected: list[tuple[str, int, int]]) -> None:
    check(tmp_path, {"actions/a.yaml": f"""
        ref: {ref}
        label: A
        runner_type: shell
        entry_point: a.sh
    """}, expected, only="AL501")


def test_standalone_ref_against_file_name(tmp_path: Path) -> None:
    check(tmp_path, {"workflows/deploy.yaml": """
        ref: acme.deploy_app
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
    """}, [("AL502", 1, 6)], only="AL502")
    # the '.workflow' before '.yaml' is not part of the name
    check(tmp_path, {"workflows/deploy.workflow.yaml": """
        ref: acme.deploy
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
    """}, [], only="AL502")


@pytest.mark.parametrize("value", ["../workflows/deploy.yaml", "/etc/deploy.yaml", "graphs/deploy.yaml",
                                   "workflows/../../deploy.yaml"])
def test_workflow_file_must_stay_under_actions_workflows(tmp_path: Path, value: str) -> None:
    check(tmp_path, {
        ACTION: f"""
            ref: acme.deploy
            label: Deploy
            workflow_file: {value}
        """,
        "workflows/deploy.yaml": """
            ref: acme.deploy
            version: "1.0.0"
            tasks:
              - name: a
                action: core.echo
        """,
    }, [(ACTION, "AL503", 3, 16)], only="AL503")


def test_workflow_file_symlink_leaving_the_folder(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text('version: "1.0.0"\ntasks:\n  - name: a\n    action: core.echo\n')
    check(tmp_path, {
        ACTION: """
            ref: acme.deploy
            label: Deploy
            workflow_file: workflows/deploy.workflow.yaml
        """,
        GRAPH: outside,  # a symbolic link
    }, [(ACTION, "AL503", 3, 16),
        (GRAPH, "AL109", 1, 1)],  # and the link itself leaves the pack: not read
        only=("AL101", "AL503"))


def test_workflow_file_in_a_linked_workflows_folder(tmp_path: Path) -> None:
    # actions/workflows itself is a link to a folder outside actions/: every file in it
    # leaves actions/workflows/ (the link is found on the way down, then resolved).
    outside = tmp_path / "shared-graphs"
    outside.mkdir()
    (outside / "deploy.workflow.yaml").write_text('version: "1.0.0"\ntasks:\n  - name: a\n    action: core.echo\n')
    check(tmp_path, {
        ACTION: """
            ref: acme.deploy
            label: Deploy
            workflow_file: workflows/deploy.workflow.yaml
        """,
        "actions/workflows": outside,  # a symbolic link to the folder
    }, [(ACTION, "AL503", 3, 16),
        (GRAPH, "AL109", 1, 1)],  # and the graph, through the link, leaves the pack: not read
        only=("AL101", "AL503"))


def test_workflow_file_missing_and_present(tmp_path: Path) -> None:
    result = check(tmp_path, {
        ACTION: """
            ref: acme.deploy
            label: Deploy
            workflow_file: workflows/deploy.workflow.yaml
        """,
        "actions/workflows/deploi.workflow.yaml": """
            version: "1.0.0"
            tasks:
              - name: a
                action: core.echo
        """,
    }, [(ACTION, "AL504", 3, 16)], only="AL504")
    (diag,) = diagnostics(result, "AL504")
    assert diag.suggestion == "did you mean 'workflows/deploi.workflow.yaml'?"
    check(tmp_path, {
        ACTION: """
            ref: acme.deploy
            label: Deploy
            workflow_file: workflows/deploy.workflow.yaml
        """,
        GRAPH: """
            version: "1.0.0"
            tasks:
              - name: a
                action: core.echo
        """,
    }, [], only="AL")


def test_graph_repeating_action_keys(tmp_path: Path) -> None:
    check(tmp_path, {
        ACTION: """
            ref: acme.deploy
            label: Deploy
            workflow_file: workflows/deploy.workflow.yaml
        """,
        GRAPH: """
            ref: acme.deploy
            label: D
            version: "1.0.0"
            tasks:
              - name: a
                action: core.echo
        """,
    }, [(GRAPH, "AL505", 1, 1), (GRAPH, "AL505", 2, 1)], only="AL505")


UNKNOWN_ACTIONS = {
    ACTION: """
        ref: acme.deploy
        label: Deploy
        workflow_file: workflows/deploy.workflow.yaml
    """,
    "actions/build.yaml": """
        ref: acme.build
        label: B
        runner_type: shell
        entry_point: b.sh
    """,
    GRAPH: """
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next: [{do: [b, c, d]}]
          - name: b
            action: core.ecko
          - name: c
            action: acme.buld
          - name: d
            action: other.thing
    """,
}


def test_unknown_actions(tmp_path: Path) -> None:
    result = check(tmp_path, UNKNOWN_ACTIONS, [(GRAPH, "AL506", 7, 13), (GRAPH, "AL506", 9, 13)], only="AL506")
    assert {d.line: d.suggestion for d in diagnostics(result, "AL506")} == {
        7: "did you mean 'core.echo'?", 9: "did you mean 'acme.build'?"}
    # other packs' actions: accepted unless strict, where only the listed ones are
    strict = replace(Settings(), strict_external_actions=True)
    assert findings(lint_case(tmp_path, UNKNOWN_ACTIONS, settings=strict), "AL506")[-1] == (GRAPH, "AL506", 11, 13)
    known = replace(strict, external_actions=("other.thing",))
    assert (GRAPH, "AL506", 11, 13) not in findings(lint_case(tmp_path, UNKNOWN_ACTIONS, settings=known), "AL506")


def test_workflow_action_with_runner_keys(tmp_path: Path) -> None:
    check(tmp_path, {
        ACTION: """
            ref: acme.deploy
            label: Deploy
            workflow_file: workflows/deploy.workflow.yaml
            runner_type: python
        """,
        GRAPH: """
            version: "1.0.0"
            tasks:
              - name: a
                action: core.echo
        """,
    }, [(ACTION, "AL507", 4, 1)], only="AL507")


def test_duplicate_action_refs(tmp_path: Path) -> None:
    action = """
        ref: acme.build
        label: B
        runner_type: shell
        entry_point: b.sh
    """
    # reported once, on the second file
    check(tmp_path, {"actions/a.yaml": action, "actions/b.yaml": action},
          [("actions/b.yaml", "AL508", 1, 6)], only="AL508")


def test_pack_folder_named_after_the_ref(tmp_path: Path) -> None:
    check(tmp_path, {"packs/acme-tools/pack.yaml": """
        ref: acme
        version: "1.0.0"
    """}, [("AL509", 1, 6)])


def test_single_file_is_checked_with_its_pack_context(tmp_path: Path) -> None:
    files = {
        ACTION: """
            ref: acme.deploy
            label: Deploy
            workflow_file: workflows/deploy.workflow.yaml
        """,
        "actions/build.yaml": """
            ref: acme.build
            label: B
            runner_type: shell
            entry_point: b.sh
        """,
        GRAPH: """
            version: "1.0.0"
            tasks:
              - name: a
                action: acme.build
        """,
    }
    result = check(tmp_path, files, [], only="AL", paths=[GRAPH])
    assert [t.kind for t in result.workspace.targets] == ["graph"]
    # a changed action file re-checks the workflow that uses it
    renamed = {**files, "actions/build.yaml": """
        ref: acme.compile
        label: B
        runner_type: shell
        entry_point: b.sh
    """}
    result = check(tmp_path, renamed, [(GRAPH, "AL506", 4, 13)], only="AL506", paths=["actions/build.yaml"])
    assert sorted(t.kind for t in result.workspace.targets) == ["action", "graph"]
