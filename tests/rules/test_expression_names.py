"""Name rules (AL450-AL465, attune_lint/rules/expression_names.py): functions, parameters,
variables, tasks, loop variables, legacy forms.

Each case is the whole file; the expected findings ``(code, line, column)`` are counted in
it (columns in characters of the line as written). The rules' FAIL/PASS examples are linted
by test_rule_examples.py.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from attune_lint.diagnostics import Diagnostic
from attune_lint.run.runner import RunResult, lint

from attune_testkit import EXAMPLES
from rule_case import check, codes_at, selected

W = "workflows/w.yaml"
NAMES = ("AL450", "AL499")  # the name family


def name_findings(paths: list[Path]) -> list[Diagnostic]:
    return selected(lint(paths).diagnostics, NAMES)


def family(result: RunResult) -> list[Diagnostic]:
    """The run's findings of the name family."""
    return selected(result.diagnostics, NAMES)


# -- functions ----------------------------------------------------------------------------

def test_unknown_function_with_the_attune_way(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        parameters:
          service:
            type: string
            required: true
          hosts:
            type: array
            default: []
        vars:
          status: pending
        tasks:
          - name: a
            action: core.echo
            input:
              stamp: "{{ now() }}"
    """}, [("AL450", 17, 18)], only=NAMES, paths=[W])
    (diag,) = family(result)
    assert (diag.span.end_line, diag.span.end_column) == (diag.line, diag.column + 3)
    assert "system.workflow_start" in (diag.suggestion or "")


def test_unknown_function_did_you_mean(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        parameters:
          service:
            type: string
            required: true
          hosts:
            type: array
            default: []
        vars:
          status: pending
        tasks:
          - name: a
            action: core.echo
            input:
              count: "{{ lenght(parameters.hosts) }}"
    """}, [("AL450", 17, 18)], only=NAMES, paths=[W])
    assert family(result)[0].suggestion == "did you mean length()?"
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        parameters:
          service:
            type: string
            required: true
          hosts:
            type: array
            default: []
        vars:
          status: pending
        tasks:
          - name: a
            action: core.echo
            input:
              count: "{{ length(parameters.hosts) }}"
    """}, [], only=NAMES, paths=[W])


def test_wrong_number_of_arguments(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        parameters:
          service:
            type: string
            required: true
          hosts:
            type: array
            default: []
        vars:
          status: pending
        tasks:
          - name: a
            action: core.echo
            input:
              names: "{{ join(parameters.hosts) }}"
    """}, [("AL451", 17, 18)], only=NAMES, paths=[W])
    (diag,) = family(result)
    assert diag.span.end_column == 40  # the whole call
    assert "join() takes 2 arguments, got 1" in diag.message


def test_workflow_functions_belong_in_transitions(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        parameters:
          service:
            type: string
            required: true
          hosts:
            type: array
            default: []
        vars:
          status: pending
        tasks:
          - name: a
            action: core.echo
            input:
              previous: "{{ result() }}"
            next:
              - when: "{{ succeeded() and result().ok }}"
                publish:
                  - status: "{{ result() }}"
                do: [b]
          - name: b
            action: core.noop
            publish:
              - status: "{{ result().status }}"
            on_failure: a
    """}, [("AL459", 17, 21)], only=NAMES, paths=[W])
    assert family(result)[0].severity.label == "warning"


# -- top-level names ---------------------------------------------------------------------

def test_unknown_name_suggests_the_declared_parameter(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        parameters:
          service:
            type: string
            required: true
          hosts:
            type: array
            default: []
        vars:
          status: pending
        tasks:
          - name: a
            action: core.echo
            input:
              message: "Deploying {{ service }}"
    """}, [("AL452", 17, 30)], only=NAMES, paths=[W])
    assert family(result)[0].suggestion == "did you mean parameters.service? (a declared parameter)"


def test_unknown_name_did_you_mean_a_variable_or_namespace(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        parameters:
          service:
            type: string
            required: true
          hosts:
            type: array
            default: []
        vars:
          status: pending
        tasks:
          - name: a
            action: core.echo
            input:
              message: "{{ stauts }} {{ paramters.service }}"
    """}, [("AL452", 17, 20), ("AL452", 17, 33)], only=NAMES, paths=[W])
    assert [d.suggestion for d in family(result)] == ["did you mean workflow.status?", "did you mean parameters?"]


def test_bare_variable_name_is_a_legacy_warning(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        parameters:
          service:
            type: string
            required: true
          hosts:
            type: array
            default: []
        vars:
          status: pending
        tasks:
          - name: a
            action: core.echo
            input:
              message: "{{ status }}"
    """}, [("AL464", 17, 20)], only=NAMES, paths=[W])
    (diag,) = family(result)
    assert diag.severity.label == "warning" and diag.suggestion == "write workflow.status"


def test_positions_inside_escaped_and_block_scalars(tmp_path: Path) -> None:
    result = check(tmp_path, {W: r"""
        ref: acme.w
        label: W
        version: "1.0.0"
        parameters:
          service:
            type: string
            required: true
          hosts:
            type: array
            default: []
        vars:
          status: pending
        tasks:
          - name: a
            action: core.echo
            input:
              quoted: "tab\there \"{{ parameters.servise }}\""
              block: |
                line one
                  {{ parameters.hots }}
    """}, [("AL453", 17, 42), ("AL453", 20, 25)], only=NAMES, paths=[W])
    assert [d.suggestion for d in family(result)] == ["did you mean parameters.service?", "did you mean parameters.hosts?"]


def test_bare_when_names_are_checked(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        parameters:
          service:
            type: string
            required: true
          hosts:
            type: array
            default: []
        vars:
          status: pending
        tasks:
          - name: a
            action: core.echo
            next:
              - when: succeeded
                do: [b]
              - when: failed() and not parameters.servic
                do: [b]
          - name: b
            action: core.noop
    """}, [("AL452", 17, 15), ("AL453", 19, 43)], only=NAMES, paths=[W])
    assert family(result)[0].suggestion == "succeeded is a function: call it, succeeded()"


# -- parameters --------------------------------------------------------------------------

def test_undeclared_parameter_of_a_standalone_workflow(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        parameters:
          service:
            type: string
            required: true
          hosts:
            type: array
            default: []
        vars:
          status: pending
        tasks:
          - name: a
            action: core.echo
            input:
              message: "{{ parameters.region }}"
    """}, [("AL453", 17, 31)], only=NAMES, paths=[W])
    assert "not declared" in family(result)[0].message
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        parameters:
          service:
            type: string
            required: true
          hosts:
            type: array
            default: []
        vars:
          status: pending
        tasks:
          - name: a
            action: core.echo
            input:
              message: "{{ parameters.service }} {{ parameters['hosts'] }}"
    """}, [], only=NAMES, paths=[W])


def test_standalone_without_parameters_declares_none(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            input:
              message: "{{ parameters.region }}"
    """}, [("AL453", 8, 31)], only=NAMES, paths=[W])
    assert "declares none" in family(result)[0].message


def test_json_schema_style_parameters_are_understood(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        parameters:
          type: object
          properties:
            region: {type: string}
        tasks:
          - name: a
            action: core.echo
            input:
              message: "{{ parameters.region }}"
    """}, [], only=NAMES, paths=[W])


ACTION = "actions/deploy.yaml"
GRAPH = "actions/workflows/deploy.workflow.yaml"


def test_linked_graph_takes_parameters_from_its_action(tmp_path: Path) -> None:
    result = check(tmp_path, {
        ACTION: """
            ref: acme.deploy
            label: Deploy
            workflow_file: workflows/deploy.workflow.yaml
            parameters:
              service: {type: string}
        """,
        GRAPH: """
            version: "1.0.0"
            parameters:
              region: {type: string}
            tasks:
              - name: a
                action: core.echo
                input:
                  message: "{{ parameters.service }} in {{ parameters.region }}"
        """,  # the graph's own parameters are ignored: the action has its own
    }, [(GRAPH, "AL453", 8, 59)], only=NAMES, paths=[GRAPH])
    assert "deploy.yaml" in family(result)[0].message


def test_linked_graph_falls_back_to_its_own_parameters(tmp_path: Path) -> None:
    action = """
        ref: acme.deploy
        label: Deploy
        workflow_file: workflows/deploy.workflow.yaml
    """
    check(tmp_path, {ACTION: action, GRAPH: """
        version: "1.0.0"
        parameters:
          service: {type: string}
          region: {type: string}
        tasks:
          - name: a
            action: core.echo
            input:
              message: "{{ parameters.service }} in {{ parameters.region }}"
    """}, [], only=NAMES, paths=[GRAPH])
    check(tmp_path, {ACTION: action, GRAPH: """
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            input:
              message: "{{ parameters.service }} in {{ parameters.region }}"
    """}, [(GRAPH, "AL453", 6, 31), (GRAPH, "AL453", 6, 59)], only=NAMES, paths=[GRAPH])


def test_graph_without_linking_action_or_parameters_is_not_checked(tmp_path: Path) -> None:
    check(tmp_path, {GRAPH: """
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            input:
              message: "{{ parameters.service }} in {{ parameters.region }}"
    """}, [], only=NAMES, paths=[GRAPH])


# -- workflow variables, tasks, inquiries ------------------------------------------------

def test_workflow_variable_never_set(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        parameters:
          service:
            type: string
            required: true
          hosts:
            type: array
            default: []
        vars:
          status: pending
        tasks:
          - name: a
            action: core.echo
            input:
              message: "{{ workflow.status }} {{ workflow.outcome }} {{ workflow.count }} {{ workflow.stauts }}"
            next:
              - publish:
                  - outcome: done
                  - count
    """}, [("AL454", 17, 95)], only=NAMES, paths=[W])
    assert family(result)[0].suggestion == "did you mean workflow.status?"


def test_variable_aliases_are_warned_and_still_checked(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        parameters:
          service:
            type: string
            required: true
          hosts:
            type: array
            default: []
        vars:
          status: pending
        tasks:
          - name: a
            action: core.echo
            input:
              message: "{{ vars.status }} {{ variables.nope }}"
    """}, [("AL462", 17, 20), ("AL462", 17, 38), ("AL454", 17, 48)],
        only=NAMES, paths=[W])
    assert family(result)[0].suggestion == "write workflow.status"


def test_vars_written_as_a_list_still_define_their_names(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        vars:
          - temp_dir: null
        tasks:
          - name: a
            action: core.echo
            input:
              message: "{{ workflow.temp_dir }}"
    """}, [], only=NAMES, paths=[W])


def test_task_reference_names_no_task(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        parameters:
          service:
            type: string
            required: true
          hosts:
            type: array
            default: []
        vars:
          status: pending
        tasks:
          - name: check
            action: core.echo
            next: [{do: [my-task]}]
          - name: my-task
            action: core.echo
            type: parallel
            tasks:
              - name: inner
                action: core.echo
                input:
                  a: "{{ task.chek.ok }} {{ task['nope'] }} {{ task.my-task.ok }}"
                  b: "{{ task.check.result.x }} {{ task['my-task'].ok }} {{ task.inner }} {{ tasks.check }}"
    """}, [
        ("AL455", 24, 23),
        ("AL455", 24, 42),
        ("AL455", 24, 61),
        ("AL463", 25, 86),
    ], only=NAMES, paths=[W])
    assert [d.suggestion for d in family(result)[:3]] == [
        "did you mean task.check?", "known tasks: check, my-task, inner", 'task names with "-" must be indexed: task["my-task"]']


def test_inquiry_needs_a_wait_for_task(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        parameters:
          service:
            type: string
            required: true
          hosts:
            type: array
            default: []
        vars:
          status: pending
        tasks:
          - name: ask
            action: core.echo
            next: [{do: [guarded]}]
          - name: guarded
            action: core.echo
            wait_for:
              inquiry: "{{ task.ask.inquiry_id }}"
            next:
              - when: "{{ inquiry.guarded.response.ok and inquiry.ask.response and inquiry.gaurded }}"
                do: [ask]
    """}, [("AL458", 22, 59), ("AL458", 22, 84)],
        only=NAMES, paths=[W])
    found = family(result)
    assert "has no 'wait_for'" in found[0].message
    assert found[1].suggestion == "did you mean inquiry.guarded?"


# -- loop variables ------------------------------------------------------------------------

def test_item_outside_an_iterating_task(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        parameters:
          service:
            type: string
            required: true
          hosts:
            type: array
            default: []
        vars:
          status: pending
        tasks:
          - name: a
            action: core.echo
            with_items: "{{ item }}"
            input:
              host: "{{ item }} #{{ index }}"
            timeout: "{{ index + 10 }}"
            next:
              - publish:
                  - last: "{{ item }}"
                do: [b]
          - name: b
            action: core.echo
            input:
              host: "{{ item }}"
        output_map:
          last: "{{ index }}"
    """}, [
        ("AL456", 16, 21),
        ("AL457", 22, 23),
        ("AL456", 27, 17),
        ("AL456", 29, 13),
    ], only=NAMES, paths=[W])
    assert [d.severity.label for d in family(result)] == ["error", "warning", "error", "error"]


# -- legacy namespaces ---------------------------------------------------------------------

@pytest.mark.parametrize("expression, code, column, suggestion", [
    ("pack.config.channel", "AL460", 14, "write config.channel"),
    ("pack.config['channel']", "AL460", 14, "write config['channel']"),
    ("system.timestamp", "AL461", 21,
     "pass the value in as a parameter, or use system.workflow_start"),
    ("keystore.db_password", "AL465", 14,
     'write keystore["acme.db_password"] (the key\'s full ref)'),
    ("tasks.a", "AL463", 14, "write task.<name>"),
])
def test_legacy_namespaces_are_warnings(tmp_path: Path, expression: str, code: str, column: int, suggestion: str) -> None:
    result = check(tmp_path, {W: f"""
        ref: acme.w
        label: W
        version: "1.0.0"
        parameters:
          service:
            type: string
            required: true
          hosts:
            type: array
            default: []
        vars:
          status: pending
        tasks:
          - name: a
            action: core.echo
            input:
              x: "{{{{ {expression} }}}}"
    """}, [(code, 17, column)], only=NAMES, paths=[W])
    (diag,) = family(result)
    assert diag.severity.label == "warning" and diag.suggestion == suggestion


def test_current_forms_pass(tmp_path: Path) -> None:
    check(tmp_path, {W: r"""
        ref: acme.w
        label: W
        version: "1.0.0"
        parameters:
          service:
            type: string
            required: true
          hosts:
            type: array
            default: []
        vars:
          status: pending
        tasks:
          - name: a
            action: core.echo
            input:
              x: "{{ config.channel }} {{ system.workflow_start }} {{ keystore[\"acme.db\"] }} {{ workflow.status }} {{ task.a.result.deep }} {{ [1, 2][0] }}"
    """}, [], only=NAMES, paths=[W])


# -- real files ----------------------------------------------------------------------------

def test_install_packs_reports_now_and_uuid_only(corpus: Path) -> None:
    path = corpus / "packs" / "core" / "workflows" / "install_packs.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    found = name_findings([path])
    assert codes_at(found) == [("AL450", 70, lines[69].index("now(") + 1), ("AL450", 71, lines[70].index("uuid(") + 1)]
    assert [(d.line, d.column) for d in found] == [(70, 25), (71, 48)]


def test_valid_corpus_files_give_no_name_findings(corpus_packs: Path) -> None:
    result = lint([corpus_packs / "test_pack", corpus_packs / "examples"])
    assert len(result.workspace.workflows) == 2
    assert [d for d in result.diagnostics if "AL450" <= d.code <= "AL499"] == []


def test_example_packs_give_no_name_findings() -> None:
    assert name_findings([EXAMPLES / "acme", EXAMPLES / "legacy_ops"]) == []


def test_broken_example_mistakes_are_found_at_their_lines() -> None:
    marked: list[tuple[str, int, int]] = []
    for path, needle, code, column_of in (
        ("actions/workflows/deploy.workflow.yaml", "# mistake: unknown function", "AL450", "now("),
        ("workflows/nightly.yaml", "# mistake: undeclared parameter", "AL453", "region"),
    ):
        lines = (EXAMPLES / "broken" / path).read_text(encoding="utf-8").splitlines()
        marked += [(code, n, line.index(column_of) + 1) for n, line in enumerate(lines, 1) if needle in line]
    found = name_findings([EXAMPLES / "broken"])
    assert sorted(codes_at(found)) == sorted(marked) and len(marked) == 2


def test_unknown_function_doc_lists_every_function() -> None:
    from attune_lint.expressions import FUNCTIONS
    from attune_lint.rules.expression_names import UNKNOWN_FUNCTION

    listed = set(UNKNOWN_FUNCTION.documentation.replace("`", " ").replace(",", " ").replace(".", " ").split())
    assert set(FUNCTIONS) <= listed


