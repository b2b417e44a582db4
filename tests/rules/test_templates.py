"""Template rules (AL401-AL410): every rendered string parsed, errors at the exact character."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from attune_lint.diagnostics import Diagnostic
from attune_lint.run.runner import lint

from attune_testkit import EXAMPLES, write_files

PACK = 'ref: acme\nlabel: Acme\nversion: "1.0.0"\n'
HEAD = 'ref: acme.w\nlabel: W\nversion: "1.0.0"\n'


def template_findings(paths: list[Path]) -> list[Diagnostic]:
    # AL401-AL449: the template family (AL450 on are the name rules)
    return [d for d in lint(paths).diagnostics if "AL401" <= d.code <= "AL449"]


def lint_workflow(tmp_path: Path, body: str) -> tuple[list[Diagnostic], str]:
    text = HEAD + textwrap.dedent(body).lstrip("\n")
    root = write_files(tmp_path / "acme", {"pack.yaml": PACK})
    (root / "workflows").mkdir(exist_ok=True)
    (root / "workflows" / "w.yaml").write_text(text, encoding="utf-8")
    return template_findings([root / "workflows" / "w.yaml"]), text


def where(text: str, line_contains: str, needle: str) -> tuple[int, int]:
    """(line, column) of ``needle`` on the only line holding ``line_contains`` — read from
    the file text itself, independently of the linter's position mapping."""
    lines = [(i, line) for i, line in enumerate(text.splitlines(), 1) if line_contains in line]
    assert len(lines) == 1, f"{line_contains!r} is on {len(lines)} lines"
    number, line = lines[0]
    assert line.count(needle) >= 1
    return number, line.index(needle) + 1


def codes_at(found: list[Diagnostic]) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in found]


def one_task(input_block: str = "", extra: str = "") -> str:
    return f"""
tasks:
  - name: a
    action: core.echo
{textwrap.indent(textwrap.dedent(extra).strip(chr(10)), "    ") if extra else ""}
    input:
{textwrap.indent(textwrap.dedent(input_block).strip(chr(10)), "      ")}
"""


# -- each family: failing at the exact character, and passing when written the Attune way --

def test_generic_syntax_error_points_at_the_unclosed_parenthesis(tmp_path: Path) -> None:
    found, text = lint_workflow(tmp_path, one_task('count: "{{ length(parameters.hosts }}"'))
    (diag,) = found
    assert (diag.code, diag.line, diag.column) == ("AL401", *where(text, "count:", "("))
    assert "missing ')'" in diag.message and "tasks[0].input.count" in diag.message
    assert diag.severity.label == "error"
    found, _ = lint_workflow(tmp_path, one_task('count: "{{ length(parameters.hosts) }}"'))
    assert found == []


def test_jinja_filter_inside_double_quotes_with_escapes(tmp_path: Path) -> None:
    # Every \" and \u00e9 is one character of the value but two or six in the file.
    found, text = lint_workflow(tmp_path, one_task(r'message: "say \"caf\u00e9\" to {{ parameters.hosts | length }}"'))
    (diag,) = found
    assert (diag.code, diag.line, diag.column) == ("AL402", *where(text, "message:", "|"))
    assert diag.span.end_column == where(text, "message:", "length }}")[1] + len("length")
    assert diag.suggestion == "call the function instead: length(parameters.hosts)"
    found, _ = lint_workflow(tmp_path, one_task(r'message: "say \"caf\u00e9\" to {{ length(parameters.hosts) }}"'))
    assert found == []


def test_ternary_inside_single_quotes_with_doubled_quotes(tmp_path: Path) -> None:
    found, text = lint_workflow(tmp_path, one_task("message: 'it''s {{ parameters.a ? 1 : 2 }}'"))
    (diag,) = found
    assert (diag.code, diag.line, diag.column) == ("AL403", *where(text, "message:", "?"))
    assert "ternary" in diag.message and "next/when" in (diag.suggestion or "")


def test_inline_if_inside_a_literal_block_scalar(tmp_path: Path) -> None:
    found, text = lint_workflow(tmp_path, one_task("""
        script: |
          echo start
          echo {{ 'dry' if parameters.dry_run else 'real' }}
        """))
    (diag,) = found
    assert (diag.code, diag.line, diag.column) == ("AL403", *where(text, "echo {{", "if"))
    assert "inline 'a if c else b'" in diag.message


def test_method_call_inside_a_folded_block_scalar(tmp_path: Path) -> None:
    found, text = lint_workflow(tmp_path, one_task("""
        note: >
          first line,
          service {{ parameters.service.upper() }} here
        """))
    (diag,) = found
    assert (diag.code, diag.line, diag.column) == ("AL405", *where(text, "service {{", ".upper"))
    assert diag.suggestion == "call the function instead: upper(parameters.service)"
    found, _ = lint_workflow(tmp_path, one_task("""
        note: >
          first line,
          service {{ upper(parameters.service) }} here
        """))
    assert found == []


def test_error_on_the_continuation_line_of_a_plain_multiline_scalar(tmp_path: Path) -> None:
    found, text = lint_workflow(tmp_path, one_task("""
        note: first words
          then {{ parameters.a && parameters.b }}
        """))
    (diag,) = found
    assert (diag.code, diag.line, diag.column) == ("AL404", *where(text, "then {{", "&&"))
    assert diag.suggestion == "replace '&&' with 'and'"


@pytest.mark.parametrize("expression, needle, suggestion", [
    ("parameters.a || parameters.b", "||", "replace '||' with 'or'"),
    ("!parameters.a", "!", "write 'not parameters' instead of '!parameters'"),
    ("parameters.a = 1", "=", "replace '=' with '=='"),
    ("'a' ~ parameters.b", "~", "use '+' (with string(x) around non-strings)"),
])
def test_unsupported_operators(tmp_path: Path, expression: str, needle: str, suggestion: str) -> None:
    found, text = lint_workflow(tmp_path, one_task(f'flag: "{{{{ {expression} }}}}"'))
    (diag,) = found
    assert (diag.code, diag.line, diag.column) == ("AL404", *where(text, "flag:", needle))
    assert diag.suggestion == suggestion


def test_keyword_argument(tmp_path: Path) -> None:
    found, text = lint_workflow(tmp_path, one_task('hosts: "{{ slice(parameters.hosts, start=1) }}"'))
    (diag,) = found
    assert (diag.code, diag.line, diag.column) == ("AL406", *where(text, "hosts:", "start="))
    found, _ = lint_workflow(tmp_path, one_task('hosts: "{{ slice(parameters.hosts, 1) }}"'))
    assert found == []


def test_object_literal_in_a_publish_value(tmp_path: Path) -> None:
    body = """
    tasks:
      - name: a
        action: core.echo
        next:
          - when: "{{ succeeded() }}"
            publish:
              - labels: "{{ {'env': parameters.env} }}"
    """
    found, text = lint_workflow(tmp_path, body)
    (diag,) = found
    assert (diag.code, diag.line, diag.column) == ("AL407", *where(text, "labels:", "{'env'"))
    assert "object literals" in diag.message


def test_bare_when_is_checked_as_a_whole_expression(tmp_path: Path) -> None:
    body = """
    tasks:
      - name: a
        action: core.echo
        next:
          - when: succeeded() && parameters.notify
            do: [b]
          - when: failed() and not parameters.notify
            do: [b]
      - name: b
        action: core.noop
    """
    found, text = lint_workflow(tmp_path, body)
    assert codes_at(found) == [("AL404", *where(text, "succeeded() &&", "&&"))]
    assert "bare 'when' expression" in found[0].message


def test_unclosed_block_is_a_warning_at_its_braces(tmp_path: Path) -> None:
    body = """
    tasks:
      - name: a
        action: core.echo
    output_map:
      summary: "ok {{ workflow.a }} then {{ workflow.b"
    """
    found, text = lint_workflow(tmp_path, body)
    (diag,) = found
    assert (diag.code, diag.line, diag.column) == ("AL408", *where(text, "summary:", "{{ workflow.b"))
    assert diag.severity.label == "warning"


def test_wait_for_target_must_be_a_pure_template(tmp_path: Path) -> None:
    body = """
    tasks:
      - name: ask
        action: core.echo
        next: [{do: [guarded]}]
      - name: guarded
        action: core.echo
        wait_for:
          inquiry: "id-{{ task.ask.inquiry_id }}"
    """
    found, text = lint_workflow(tmp_path, body)
    (diag,) = found
    assert (diag.code, diag.line, diag.column) == ("AL409", *where(text, "inquiry:", '"id-'))
    found, _ = lint_workflow(tmp_path, body.replace('"id-{{', '"{{'))
    assert found == []


def test_wait_for_pure_template_is_still_parsed(tmp_path: Path) -> None:
    body = """
    tasks:
      - name: guarded
        action: core.echo
        wait_for:
          inquiry: "{{ task.ask.inquiry_id | int }}"
    """
    found, text = lint_workflow(tmp_path, body)
    assert codes_at(found) == [("AL402", *where(text, "inquiry:", "|"))]


def test_jinja_statement_block(tmp_path: Path) -> None:
    found, text = lint_workflow(tmp_path, one_task('message: "{% if parameters.dry %}dry{% endif %}"'))
    (diag,) = found
    assert (diag.code, diag.line, diag.column) == ("AL410", *where(text, "message:", "{%"))
    found, _ = lint_workflow(tmp_path, one_task('message: "100% done {sure}"'))
    assert found == []


# -- which strings are rendered ----------------------------------------------------------

RENDERED_FIELDS = {
    "task when": "when: \"{{ BAD }}\"",
    "with_items": "with_items: \"{{ BAD }}\"",
    "timeout": "timeout: \"{{ BAD }}\"",
    "trace_tag_template": "trace_tag_template: \"deploy-{{ BAD }}\"",
    "iterate_cache namespace": "iterate_cache:\n  namespace: \"{{ BAD }}\"",
    "iterate_cache owner_ref": "iterate_cache:\n  namespace: users\n  owner_type: action\n  owner_ref: \"{{ BAD }}\"",
    "iterate_cache generation": "iterate_cache:\n  namespace: users\n  generation: \"{{ BAD }}\"",
    "worker_selector (template)": "worker_selector: \"{{ BAD }}\"",
    "worker_selector (nested)": "worker_selector:\n  zone: \"{{ BAD }}\"",
    "worker_tolerations": "worker_tolerations:\n  - key: gpu\n    value: \"{{ BAD }}\"",
    "worker_affinity": "worker_affinity:\n  required:\n    - match_labels:\n        zone: \"{{ BAD }}\"",
    "permission_set_refs": "permission_set_refs:\n  - \"{{ BAD }}\"",
    "input list": "input:\n  hosts:\n    - first\n    - \"{{ BAD }}\"",
    "transition when": "next:\n  - when: \"{{ BAD }}\"\n    do: [b]",
    "transition publish (nested)": "next:\n  - publish:\n      - info:\n          host: \"{{ BAD }}\"",
    "legacy publish": "publish:\n  - out: \"{{ BAD }}\"",
    "decision when": "decision:\n  - when: \"{{ BAD }}\"\n    next: b",
    "legacy on_success list": "on_success:\n  - when: \"{{ BAD }}\"\n    do: b",
    "parallel sub-task": "type: parallel\ntasks:\n  - name: sub\n    action: core.echo\n    input:\n      x: \"{{ BAD }}\"",
}


@pytest.mark.parametrize("field", list(RENDERED_FIELDS))
def test_every_rendered_field_is_checked(tmp_path: Path, field: str) -> None:
    fragment = RENDERED_FIELDS[field].replace("BAD", "parameters.x | upper")
    body = ("tasks:\n  - name: a\n    action: core.echo\n"
            + textwrap.indent(fragment, "    ") + "\n  - name: b\n    action: core.noop\n")
    found, text = lint_workflow(tmp_path, body)
    assert codes_at(found) == [("AL402", *where(text, "parameters.x | upper", "|"))]


def test_output_map_is_checked(tmp_path: Path) -> None:
    body = """
    tasks:
      - name: a
        action: core.echo
    output_map:
      status: "{{ 'ok' if task.a.ok else 'bad' }}"
    """
    found, text = lint_workflow(tmp_path, body)
    assert codes_at(found) == [("AL403", *where(text, "status:", "if"))]


def test_strings_that_are_not_rendered_are_not_checked(tmp_path: Path) -> None:
    body = """
    description: "uses {{ x | y }} in prose"
    parameters:
      a:
        type: string
        default: "{{ x | y }}"
    vars:
      template_text: "{{ x | y }}"
    tasks:
      - name: a
        action: core.echo
        __chart_meta__:
          label: "{{ x | y }}"
        input:
          "{{ key | not_rendered }}": plain
          count: 3
          enabled: true
        next:
          - do: [b]
            __chart_meta__: {label: "{{ x | y }}"}
      - name: b
        action: core.noop
    """
    found, _ = lint_workflow(tmp_path, body)
    assert found == []


def test_every_block_of_a_string_is_checked(tmp_path: Path) -> None:
    found, text = lint_workflow(tmp_path, one_task('message: "{{ a | b }} and {{ c && d }} {{ ok }}"'))
    assert codes_at(found) == [("AL402", *where(text, "message:", "|")), ("AL404", *where(text, "message:", "&&"))]


# -- real files ---------------------------------------------------------------------------

def test_install_packs_reports_each_jinja_filter_at_its_pipe(corpus: Path) -> None:
    path = corpus / "packs" / "core" / "workflows" / "install_packs.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    found = template_findings([path])
    expected = [("AL402", n, lines[n - 1].index("|") + 1) for n in (107, 113, 115, 123, 150, 164)]
    assert codes_at(found) == expected
    assert found[0].column == 49 and found[1].column == 69  # the column, read by eye once


def test_valid_corpus_files_give_no_template_findings(corpus_packs: Path) -> None:
    result = lint([corpus_packs / "test_pack", corpus_packs / "examples"])
    assert sorted(w.file.path.name for w in result.workspace.workflows) == [
        "inquiry_workflow.workflow.yaml", "process_cached_users.workflow.yaml"]  # they were checked
    assert [d for d in result.diagnostics if "AL401" <= d.code <= "AL449"] == []


def test_example_packs_give_no_template_findings() -> None:
    assert template_findings([EXAMPLES / "acme", EXAMPLES / "legacy_ops"]) == []


def test_broken_example_jinja_filter_is_found_at_its_marked_line() -> None:
    path = EXAMPLES / "broken" / "actions" / "workflows" / "deploy.workflow.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    marked = [n for n, line in enumerate(lines, 1) if "# mistake: Jinja filter" in line]
    found = template_findings([EXAMPLES / "broken"])
    assert codes_at(found) == [("AL402", n, lines[n - 1].index("|") + 1) for n in marked]
    assert len(marked) == 1


def test_a_copy_of_install_packs_in_a_pack_layout_gives_the_same_findings(tmp_path: Path, corpus: Path) -> None:
    # The positions do not depend on how the file is reached (single file vs pack folder).
    packs = tmp_path / "packs"
    shutil.copytree(corpus / "packs" / "core", packs / "core")
    found = template_findings([packs / "core"])
    assert [(d.line, d.column) for d in found] == [(107, 49), (113, 69), (115, 69), (123, 49), (150, 49), (164, 49)]


def test_when_mixing_text_and_templates_is_a_warning(tmp_path: Path) -> None:
    body = """
    tasks:
      - name: a
        action: core.echo
        next:
          - when: "{{ succeeded() }} and {{ parameters.notify }}"
            do: [b]
          - when: "  {{ failed() and not parameters.notify }}  "
            do: [b]
      - name: b
        action: core.noop
    """
    found, text = lint_workflow(tmp_path, body)
    assert codes_at(found) == [("AL411", *where(text, "succeeded() }} and", '"'))]
    assert found[0].severity.label == "warning"


def test_passing_forms_of_the_unsupported_constructs(tmp_path: Path) -> None:
    body = """
    tasks:
      - name: a
        action: core.echo
        input:
          ternary_done_with_transitions: "{{ parameters.a }}"
          labels:
            env: "{{ parameters.env }}"
          merged: "{{ merge(parameters.a, parameters.b) }}"
          closed: "ok {{ workflow.a }} then {{ workflow.b }}"
          braces: "{\"url\": \"{{ parameters.url }}\"}"
          comparison: "{{ not (parameters.a == 1) or parameters.b != 2 and 'x' + 'y' in ['xy'] }}"
    """
    found, _ = lint_workflow(tmp_path, body)
    assert found == []
