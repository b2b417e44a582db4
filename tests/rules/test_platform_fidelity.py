"""Findings follow what the platform does (issue 15): severities of pack.yaml and action
fields, AL453 without declared parameters, malformed action refs, the validator's task
rules and an action file without ref."""
from __future__ import annotations

from pathlib import Path

from attune_testkit import lint_pack, write_files


def findings(result, *codes: str) -> list[tuple[str, int, int, str]]:  # type: ignore[no-untyped-def]
    """(code, line, column, severity) of the findings with one of ``codes``."""
    return [(d.code, d.line, d.column, d.severity.label) for d in result.diagnostics if d.code in codes]


def lint_manifest(tmp_path: Path, pack_yaml: str):  # type: ignore[no-untyped-def]
    from attune_lint.run.runner import lint

    pack = write_files(tmp_path / "acme", {"pack.yaml": pack_yaml})
    return lint([pack / "pack.yaml"])


# --- 1. severity policy: lenient fields warn, strict fields stay errors -------------------

def test_dependencies_map_is_a_warning_that_it_is_ignored(tmp_path: Path) -> None:
    result = lint_manifest(tmp_path, 'ref: acme\nversion: "1.0.0"\ndependencies: {}\n')
    assert findings(result, "AL202") == [("AL202", 3, 15, "warning")]
    (d,) = [d for d in result.diagnostics if d.code == "AL202"]
    assert "ignores it" in d.message and "no dependencies" in d.message
    assert "dependencies: []" in (d.suggestion or "")


def test_lenient_pack_fields_warn(tmp_path: Path) -> None:
    result = lint_manifest(tmp_path, 'ref: acme\nversion: "1.0.0"\nruntime_deps: 5\nkeywords: {a: 1}\n'
                                     'dependencies: [core, [x]]\ndescription: [1]\n')
    assert findings(result, "AL202") == [("AL202", 3, 15, "warning"), ("AL202", 4, 11, "warning"),
                                         ("AL202", 5, 22, "warning"), ("AL202", 6, 14, "warning")]


def test_strict_pack_fields_stay_errors(tmp_path: Path) -> None:
    result = lint_manifest(tmp_path, 'ref: acme\nversion: 1.0\ntesting: 5\n')
    assert findings(result, "AL202", "AL205") == [("AL205", 2, 10, "error"), ("AL202", 3, 10, "error")]
    assert "Missing 'version' field" in [d for d in result.diagnostics if d.code == "AL205"][0].message


def test_keywords_config_schema_metadata_are_read_by_the_register_path(tmp_path: Path) -> None:
    result = lint_manifest(tmp_path, 'ref: acme\nversion: "1.0.0"\nkeywords: [a, b]\nconfig_schema: {}\nmetadata: {a: 1}\n')
    assert findings(result, "AL202", "AL206") == []


def test_action_fields_by_platform_reading(tmp_path: Path) -> None:
    result = lint_pack(tmp_path, {
        "actions/x.yaml": 'ref: acme.x\nentry_point: x.sh\ndescription: [1]\nparameters: [a]\n'
                          'timeout_seconds: "5"\nreference_visibility: [public]\n',
        "actions/x.sh": "echo\n",
    })
    assert findings(result, "AL202") == [("AL202", 3, 14, "warning"), ("AL202", 4, 13, "warning"),
                                         ("AL202", 5, 18, "error"), ("AL202", 6, 23, "error")]


def test_workflow_wrong_type_stays_an_error(tmp_path: Path) -> None:
    result = lint_pack(tmp_path, {"workflows/w.yaml": 'ref: acme.w\nversion: "1.0.0"\nvars:\n  - count: 1\n'
                                                      'tasks:\n  - name: a\n    action: core.echo\n'})
    assert findings(result, "AL202") == [("AL202", 4, 3, "error")]


# --- 2. AL453: error with declared parameters, warning without ---------------------------

WORKFLOW_HEAD = 'ref: acme.w\nversion: "1.0.0"\n'


def test_undeclared_parameter_without_declarations_is_a_warning(tmp_path: Path) -> None:
    result = lint_pack(tmp_path, {"workflows/w.yaml": WORKFLOW_HEAD + 'tasks:\n  - name: a\n    action: core.echo\n'
                                                      '    input:\n      message: "{{ parameters.region }}"\n'})
    assert findings(result, "AL453") == [("AL453", 7, 31, "warning")]
    (d,) = [d for d in result.diagnostics if d.code == "AL453"]
    assert "forwards undeclared inputs" in d.message and "caller passes it" in d.message


def test_undeclared_parameter_beside_declared_ones_is_an_error(tmp_path: Path) -> None:
    result = lint_pack(tmp_path, {"workflows/w.yaml": WORKFLOW_HEAD + 'parameters:\n  target: {type: string}\n'
                                                      'tasks:\n  - name: a\n    action: core.echo\n'
                                                      '    input:\n      message: "{{ parameters.region }}"\n'})
    assert findings(result, "AL453") == [("AL453", 9, 31, "error")]


# --- 3. AL510: a malformed action ref has its own format code ----------------------------

def _workflow(tasks: str) -> str:
    return WORKFLOW_HEAD + "tasks:\n" + tasks


MALFORMED = _workflow('  - name: a\n    action: invalid_format\n'
                      '  - name: b\n    action: core.\n'
                      '  - name: c\n    action: .x\n'
                      '  - name: d\n    action: a..b\n')
MALFORMED_AT = [("AL510", 5, 13, "error"), ("AL510", 7, 13, "error"), ("AL510", 9, 13, "error"),
                ("AL510", 11, 13, "error")]


def test_malformed_action_ref_in_a_pack(tmp_path: Path) -> None:
    result = lint_pack(tmp_path, {"workflows/w.yaml": MALFORMED})
    assert findings(result, "AL510", "AL506") == MALFORMED_AT
    first = [d for d in result.diagnostics if d.code == "AL510"][0]
    assert "invalid action reference 'invalid_format'" in first.message and "no pack part" in first.message


def test_malformed_action_ref_without_a_pack(tmp_path: Path) -> None:
    from attune_lint.run.runner import lint

    path = write_files(tmp_path, {"loose/w.yaml": MALFORMED}) / "loose" / "w.yaml"
    assert findings(lint([path]), "AL510", "AL506") == MALFORMED_AT


def test_well_formed_refs_are_not_format_errors(tmp_path: Path) -> None:
    result = lint_pack(tmp_path, {"workflows/w.yaml": _workflow('  - name: a\n    action: core.echo\n'
                                                                '  - name: b\n    action: Core.Echo\n'
                                                                '  - name: c\n    action: a.b.c\n'
                                                                '  - name: d\n    action: "{{ parameters.x }}"\n')})
    assert findings(result, "AL510") == []


def test_malformed_ref_in_a_parallel_subtask_stays_unknown_action(tmp_path: Path) -> None:
    # the validator checks top-level tasks only; the action lookup finds the sub-task's ref
    result = lint_pack(tmp_path, {"workflows/w.yaml": _workflow(
        '  - name: fan\n    type: parallel\n    tasks:\n      - name: a\n        action: invalid_format\n')})
    assert findings(result, "AL510", "AL506") == [("AL506", 8, 17, "error")]


# --- 4. the validator's task checks ------------------------------------------------------

def test_with_items_and_iterate_cache_on_one_task(tmp_path: Path) -> None:
    result = lint_pack(tmp_path, {"workflows/w.yaml": _workflow(
        '  - name: each\n    action: core.echo\n    with_items: "{{ vars.users }}"\n'
        '    iterate_cache: {namespace: users}\n')})
    assert findings(result, "AL315", "AL316", "AL317") == [("AL315", 7, 5, "error")]


def test_iterate_cache_on_a_workflow_task(tmp_path: Path) -> None:
    result = lint_pack(tmp_path, {"workflows/w.yaml": _workflow(
        '  - name: each\n    type: workflow\n    action: core.echo\n    iterate_cache: {namespace: users}\n')})
    # AL316 at iterate_cache; AL311 (legacy type) stays a separate warning at the type
    assert findings(result, "AL315", "AL316", "AL317", "AL311") == [("AL311", 5, 11, "warning"),
                                                                    ("AL316", 7, 5, "error")]


def test_iterate_cache_on_an_action_task_is_fine(tmp_path: Path) -> None:
    result = lint_pack(tmp_path, {"workflows/w.yaml": _workflow(
        '  - name: each\n    action: core.echo\n    iterate_cache: {namespace: users}\n')})
    assert findings(result, "AL204", "AL315", "AL316", "AL317") == []


def test_wait_for_on_a_workflow_task(tmp_path: Path) -> None:
    result = lint_pack(tmp_path, {"workflows/w.yaml": _workflow(
        '  - name: ask\n    type: workflow\n    action: core.echo\n'
        '    wait_for: {inquiry: "{{ task.ask.inquiry_id }}"}\n')})
    assert findings(result, "AL317") == [("AL317", 7, 5, "error")]
    assert "only supported for action tasks" in [d for d in result.diagnostics if d.code == "AL317"][0].message


def test_wait_for_on_a_parallel_subtask(tmp_path: Path) -> None:
    result = lint_pack(tmp_path, {"workflows/w.yaml": _workflow(
        '  - name: fan\n    type: parallel\n    tasks:\n      - name: ask\n        action: core.echo\n'
        '        wait_for: {inquiry: "{{ task.ask.inquiry_id }}"}\n')})
    assert findings(result, "AL317") == [("AL317", 9, 9, "error")]
    assert "sub-tasks of a parallel task" in [d for d in result.diagnostics if d.code == "AL317"][0].message


def test_wait_for_with_iteration(tmp_path: Path) -> None:
    result = lint_pack(tmp_path, {"workflows/w.yaml": _workflow(
        '  - name: ask\n    action: core.echo\n    with_items: "{{ vars.users }}"\n'
        '    wait_for: {inquiry: "{{ task.ask.inquiry_id }}"}\n'
        '  - name: ask2\n    action: core.echo\n    iterate_cache: {namespace: users}\n'
        '    wait_for: {inquiry: "{{ task.ask2.inquiry_id }}"}\n')})
    assert findings(result, "AL317") == [("AL317", 7, 5, "error"), ("AL317", 11, 5, "error")]
    assert all("combined with task iteration" in d.message for d in result.diagnostics if d.code == "AL317")


def test_wait_for_on_a_plain_action_task_is_fine(tmp_path: Path) -> None:
    result = lint_pack(tmp_path, {"workflows/w.yaml": _workflow(
        '  - name: ask\n    action: core.echo\n    wait_for: {inquiry: "{{ task.ask.inquiry_id }}"}\n')})
    assert findings(result, "AL317") == []


def test_blank_iterate_cache_namespace(tmp_path: Path) -> None:
    result = lint_pack(tmp_path, {"workflows/w.yaml": _workflow(
        '  - name: each\n    action: core.echo\n    iterate_cache:\n      namespace: "   "\n'
        '  - name: other\n    action: core.echo\n    iterate_cache: {namespace: ""}\n')})
    assert findings(result, "AL204") == [("AL204", 7, 18, "error"), ("AL204", 10, 32, "error")]
    assert all("must not be blank" in d.message for d in result.diagnostics if d.code == "AL204")


def test_retry_max_delay_below_delay(tmp_path: Path) -> None:
    result = lint_pack(tmp_path, {"workflows/w.yaml": _workflow(
        '  - name: a\n    action: core.echo\n    retry:\n      count: 3\n      delay: 10\n      max_delay: 5\n'
        '  - name: b\n    action: core.echo\n    retry: {count: 3, delay: 10, max_delay: 10}\n')})
    assert findings(result, "AL318") == [("AL318", 9, 18, "error")]


# --- 5. an action file without ref -------------------------------------------------------

def test_action_without_ref_says_what_the_platform_does(tmp_path: Path) -> None:
    result = lint_pack(tmp_path, {"actions/deploy.yaml": "label: Deploy\nentry_point: deploy.sh\n",
                                  "actions/deploy.sh": "echo\n"})
    assert findings(result, "AL203") == [("AL203", 1, 1, "error")]
    (d,) = [d for d in result.diagnostics if d.code == "AL203"]
    assert "action YAML deploy.yaml is missing ref" in d.message  # newest: registration fails
    assert "skip the file with a warning" in d.message and "never registered" in d.message  # June lineage


def test_pack_without_version_is_refused(tmp_path: Path) -> None:
    result = lint_manifest(tmp_path, "ref: acme\n")
    assert findings(result, "AL203") == [("AL203", 1, 1, "error")]
    assert "Missing 'version' field in pack.yaml" in result.diagnostics[0].message
