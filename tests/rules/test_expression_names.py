"""Name rules (AL450-AL465): functions, parameters, variables, tasks, loop variables, legacy forms."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from attune_lint.diagnostics import Diagnostic
from attune_lint.run.runner import lint

from attune_testkit import EXAMPLES, write_files

PACK = 'ref: acme\nlabel: Acme\nversion: "1.0.0"\n'
HEAD = 'ref: acme.w\nlabel: W\nversion: "1.0.0"\n'
PARAMETERS = """
parameters:
  service:
    type: string
    required: true
  hosts:
    type: array
    default: []
vars:
  status: pending
"""


def name_findings(paths: list[Path]) -> list[Diagnostic]:
    return [d for d in lint(paths).diagnostics if "AL450" <= d.code <= "AL499"]


def lint_standalone(tmp_path: Path, body: str, head: str = HEAD + PARAMETERS) -> tuple[list[Diagnostic], str]:
    text = head + textwrap.dedent(body).lstrip("\n")
    root = write_files(tmp_path / "acme", {"pack.yaml": PACK})
    (root / "workflows").mkdir(exist_ok=True)
    (root / "workflows" / "w.yaml").write_text(text, encoding="utf-8")
    return name_findings([root / "workflows" / "w.yaml"]), text


def where(text: str, line_contains: str, needle: str) -> tuple[int, int]:
    """(line, column) of ``needle`` on the only line holding ``line_contains``, read from the text."""
    lines = [(i, line) for i, line in enumerate(text.splitlines(), 1) if line_contains in line]
    assert len(lines) == 1, f"{line_contains!r} is on {len(lines)} lines"
    number, line = lines[0]
    return number, line.index(needle) + 1


def codes_at(found: list[Diagnostic]) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in found]


def task_with(input_line: str, extra: str = "") -> str:
    extra_block = textwrap.indent(textwrap.dedent(extra).strip("\n"), "    ") + "\n" if extra else ""
    return f"tasks:\n  - name: a\n    action: core.echo\n{extra_block}    input:\n      {input_line}\n"


# -- functions ----------------------------------------------------------------------------

def test_unknown_function_with_the_attune_way(tmp_path: Path) -> None:
    found, text = lint_standalone(tmp_path, task_with('stamp: "{{ now() }}"'))
    (diag,) = found
    assert (diag.code, diag.line, diag.column) == ("AL450", *where(text, "stamp:", "now"))
    assert (diag.span.end_line, diag.span.end_column) == (diag.line, diag.column + 3)
    assert "system.workflow_start" in (diag.suggestion or "")


def test_unknown_function_did_you_mean(tmp_path: Path) -> None:
    found, text = lint_standalone(tmp_path, task_with('count: "{{ lenght(parameters.hosts) }}"'))
    assert codes_at(found) == [("AL450", *where(text, "count:", "lenght"))]
    assert found[0].suggestion == "did you mean length()?"
    found, _ = lint_standalone(tmp_path, task_with('count: "{{ length(parameters.hosts) }}"'))
    assert found == []


def test_wrong_number_of_arguments(tmp_path: Path) -> None:
    found, text = lint_standalone(tmp_path, task_with('names: "{{ join(parameters.hosts) }}"'))
    (diag,) = found
    assert (diag.code, diag.line, diag.column) == ("AL451", *where(text, "names:", "join"))
    assert diag.span.end_column == where(text, "names:", ") }}")[1] + 1  # the whole call
    assert "join() takes 2 arguments, got 1" in diag.message
    found, _ = lint_standalone(tmp_path, task_with("names: \"{{ join(parameters.hosts, ', ') }}\""))
    assert found == []


def test_workflow_functions_belong_in_transitions(tmp_path: Path) -> None:
    body = """
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
    """
    found, text = lint_standalone(tmp_path, body)
    assert codes_at(found) == [("AL459", *where(text, "previous:", "result"))]
    assert found[0].severity.label == "warning"


# -- top-level names ---------------------------------------------------------------------

def test_unknown_name_suggests_the_declared_parameter(tmp_path: Path) -> None:
    found, text = lint_standalone(tmp_path, task_with('message: "Deploying {{ service }}"'))
    (diag,) = found
    assert (diag.code, diag.line, diag.column) == ("AL452", *where(text, "message:", "service"))
    assert diag.suggestion == "did you mean parameters.service? (a declared parameter)"


def test_unknown_name_did_you_mean_a_variable_or_namespace(tmp_path: Path) -> None:
    found, text = lint_standalone(tmp_path, task_with('message: "{{ stauts }} {{ paramters.service }}"'))
    assert codes_at(found) == [("AL452", *where(text, "message:", "stauts")),
                               ("AL452", *where(text, "message:", "paramters"))]
    assert [d.suggestion for d in found] == ["did you mean workflow.status?", "did you mean parameters?"]


def test_bare_variable_name_is_a_legacy_warning(tmp_path: Path) -> None:
    found, text = lint_standalone(tmp_path, task_with('message: "{{ status }}"'))
    (diag,) = found
    assert (diag.code, diag.line, diag.column) == ("AL464", *where(text, "message:", "status"))
    assert diag.severity.label == "warning" and diag.suggestion == "write workflow.status"


def test_positions_inside_escaped_and_block_scalars(tmp_path: Path) -> None:
    body = r"""
    tasks:
      - name: a
        action: core.echo
        input:
          quoted: "tab\there \"{{ parameters.servise }}\""
          block: |
            line one
              {{ parameters.hots }}
    """
    found, text = lint_standalone(tmp_path, body)
    assert codes_at(found) == [("AL453", *where(text, "quoted:", "servise")),
                               ("AL453", *where(text, "{{ parameters.hots", "hots"))]
    assert [d.suggestion for d in found] == ["did you mean parameters.service?", "did you mean parameters.hosts?"]


# -- parameters --------------------------------------------------------------------------

def test_undeclared_parameter_of_a_standalone_workflow(tmp_path: Path) -> None:
    found, text = lint_standalone(tmp_path, task_with('message: "{{ parameters.region }}"'))
    (diag,) = found
    assert (diag.code, diag.line, diag.column) == ("AL453", *where(text, "message:", "region"))
    assert "not declared" in diag.message
    found, _ = lint_standalone(tmp_path, task_with('message: "{{ parameters.service }} {{ parameters[\'hosts\'] }}"'))
    assert found == []


def test_standalone_without_parameters_declares_none(tmp_path: Path) -> None:
    found, text = lint_standalone(tmp_path, task_with('message: "{{ parameters.region }}"'), head=HEAD)
    assert codes_at(found) == [("AL453", *where(text, "message:", "region"))]
    assert "declares none" in found[0].message


def test_json_schema_style_parameters_are_understood(tmp_path: Path) -> None:
    head = HEAD + "parameters:\n  type: object\n  properties:\n    region: {type: string}\n"
    found, _ = lint_standalone(tmp_path, task_with('message: "{{ parameters.region }}"'), head=head)
    assert found == []


GRAPH = """
version: "1.0.0"
{own}
tasks:
  - name: a
    action: core.echo
    input:
      message: "{{{{ parameters.service }}}} in {{{{ parameters.region }}}}"
"""
ACTION = """
ref: acme.deploy
label: Deploy
workflow_file: workflows/deploy.workflow.yaml
{params}
"""


def lint_linked(tmp_path: Path, action_params: str | None, own: str = "") -> tuple[list[Diagnostic], str]:
    graph = GRAPH.format(own=own)
    files = {"pack.yaml": PACK, "actions/workflows/deploy.workflow.yaml": graph}
    if action_params is not None:
        files["actions/deploy.yaml"] = ACTION.format(params=action_params)
    root = write_files(tmp_path / "acme", files)
    text = (root / "actions/workflows/deploy.workflow.yaml").read_text()
    return name_findings([root / "actions/workflows/deploy.workflow.yaml"]), text


def test_linked_graph_takes_parameters_from_its_action(tmp_path: Path) -> None:
    found, text = lint_linked(tmp_path, "parameters:\n  service: {type: string}",
                              own="parameters:\n  region: {type: string}")  # ignored: the action has its own
    (diag,) = found
    assert (diag.code, diag.line, diag.column) == ("AL453", *where(text, "message:", "region"))
    assert "deploy.yaml" in diag.message


def test_linked_graph_falls_back_to_its_own_parameters(tmp_path: Path) -> None:
    found, _ = lint_linked(tmp_path, "", own="parameters:\n  service: {type: string}\n  region: {type: string}")
    assert found == []
    found, text = lint_linked(tmp_path, "")
    assert codes_at(found) == [("AL453", *where(text, "message:", "service")),
                               ("AL453", *where(text, "message:", "region"))]


def test_graph_without_linking_action_or_parameters_is_not_checked(tmp_path: Path) -> None:
    found, _ = lint_linked(tmp_path, None)
    assert found == []


# -- workflow variables, tasks, inquiries ------------------------------------------------

def test_workflow_variable_never_set(tmp_path: Path) -> None:
    body = """
    tasks:
      - name: a
        action: core.echo
        input:
          message: "{{ workflow.status }} {{ workflow.outcome }} {{ workflow.count }} {{ workflow.stauts }}"
        next:
          - publish:
              - outcome: done
              - count
    """
    found, text = lint_standalone(tmp_path, body)
    assert codes_at(found) == [("AL454", *where(text, "message:", "stauts"))]
    assert found[0].suggestion == "did you mean workflow.status?"


def test_variable_aliases_are_warned_and_still_checked(tmp_path: Path) -> None:
    found, text = lint_standalone(tmp_path, task_with('message: "{{ vars.status }} {{ variables.nope }}"'))
    assert codes_at(found) == [("AL462", *where(text, "message:", "vars")),
                               ("AL462", *where(text, "message:", "variables")),
                               ("AL454", *where(text, "message:", "nope"))]
    assert found[0].suggestion == "write workflow.status"


def test_vars_written_as_a_list_still_define_their_names(tmp_path: Path) -> None:
    head = HEAD + "vars:\n  - temp_dir: null\n"
    found, _ = lint_standalone(tmp_path, task_with('message: "{{ workflow.temp_dir }}"'), head=head)
    assert found == []


def test_task_reference_names_no_task(tmp_path: Path) -> None:
    body = """
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
    """
    found, text = lint_standalone(tmp_path, body)
    assert codes_at(found) == [
        ("AL455", *where(text, " a: ", "chek")),
        ("AL455", *where(text, " a: ", "'nope'")),
        ("AL455", *where(text, " a: ", "my-")),
        ("AL463", *where(text, " b: ", "tasks")),
    ]
    assert [d.suggestion for d in found[:3]] == [
        "did you mean task.check?", "known tasks: check, my-task, inner", 'task names with "-" must be indexed: task["my-task"]']


def test_inquiry_needs_a_wait_for_task(tmp_path: Path) -> None:
    body = """
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
    """
    found, text = lint_standalone(tmp_path, body)
    assert codes_at(found) == [("AL458", *where(text, "inquiry.guarded.response", "ask.response")),
                               ("AL458", *where(text, "inquiry.guarded.response", "gaurded"))]
    assert "has no 'wait_for'" in found[0].message
    assert found[1].suggestion == "did you mean inquiry.guarded?"


# -- loop variables ------------------------------------------------------------------------

def test_item_outside_an_iterating_task(tmp_path: Path) -> None:
    body = """
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
    """
    found, text = lint_standalone(tmp_path, body)
    assert codes_at(found) == [
        ("AL456", *where(text, "with_items:", "item }}")),
        ("AL457", *where(text, "last: \"{{ item", "item")),
        ("AL456", *where(text, 'host: "{{ item }}"', "item")),
        ("AL456", *where(text, 'last: "{{ index', "index")),
    ]
    assert [d.severity.label for d in found] == ["error", "warning", "error", "error"]


# -- legacy namespaces ---------------------------------------------------------------------

@pytest.mark.parametrize("expression, code, needle, suggestion", [
    ("pack.config.channel", "AL460", "pack", "write config.channel"),
    ("pack.config['channel']", "AL460", "pack", "write config['channel']"),
    ("system.timestamp", "AL461", "timestamp", "pass the value in as a parameter, or use system.workflow_start"),
    ("keystore.db_password", "AL465", "keystore", 'write keystore["acme.db_password"] (the key\'s full ref)'),
    ("tasks.a", "AL463", "tasks", "write task.<name>"),
])
def test_legacy_namespaces_are_warnings(tmp_path: Path, expression: str, code: str, needle: str, suggestion: str) -> None:
    found, text = lint_standalone(tmp_path, task_with(f'x: "{{{{ {expression} }}}}"'))
    (diag,) = found
    assert (diag.code, diag.line, diag.column) == (code, *where(text, "x:", needle))
    assert diag.severity.label == "warning" and diag.suggestion == suggestion


def test_current_forms_pass(tmp_path: Path) -> None:
    line = ('x: "{{ config.channel }} {{ system.workflow_start }} {{ keystore[\\"acme.db\\"] }} '
            '{{ workflow.status }} {{ task.a.result.deep }} {{ [1, 2][0] }}"')
    found, _ = lint_standalone(tmp_path, task_with(line))
    assert found == []


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


def test_bare_when_names_are_checked(tmp_path: Path) -> None:
    body = """
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
    """
    found, text = lint_standalone(tmp_path, body)
    assert codes_at(found) == [("AL452", *where(text, "when: succeeded", "succeeded")),
                               ("AL453", *where(text, "when: failed()", "servic"))]
    assert found[0].suggestion == "succeeded is a function: call it, succeeded()"
