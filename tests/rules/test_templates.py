"""Template rules (AL401-AL411, attune_lint/rules/templates.py): every rendered string
parsed, errors at the exact character.

Each case is the whole workflow file; the expected findings ``(code, line, column)`` are
counted in it (columns in characters of the line as written, escapes and all). The rules'
FAIL/PASS examples are linted by test_rule_examples.py.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from attune_lint.diagnostics import Diagnostic
from attune_lint.run.runner import RunResult, lint

from attune_testkit import EXAMPLES
from rule_case import check, codes_at, selected

W = "workflows/w.yaml"
TEMPLATES = ("AL401", "AL449")  # the template family (AL450 on are the name rules)


def template_findings(paths: list[Path]) -> list[Diagnostic]:
    return selected(lint(paths).diagnostics, TEMPLATES)


def family(result: RunResult) -> list[Diagnostic]:
    """The run's findings of the template family."""
    return selected(result.diagnostics, TEMPLATES)


# -- each family: failing at the exact character, and passing when written the Attune way --

def test_generic_syntax_error_points_at_the_unclosed_parenthesis(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            input:
              count: "{{ length(parameters.hosts }}"
    """}, [("AL401", 8, 24)], only=TEMPLATES, paths=[W])
    (diag,) = family(result)
    assert "missing ')'" in diag.message and "tasks[0].input.count" in diag.message
    assert diag.severity.label == "error"


def test_jinja_filter_inside_double_quotes_with_escapes(tmp_path: Path) -> None:
    # Every \" and \u00e9 is one character of the value but two or six in the file.
    result = check(tmp_path, {W: r"""
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            input:
              message: "say \"caf\u00e9\" to {{ parameters.hosts | length }}"
    """}, [("AL402", 8, 58)], only=TEMPLATES, paths=[W])
    (diag,) = family(result)
    assert diag.span.end_column == 66
    assert diag.suggestion == "call the function instead: length(parameters.hosts)"
    check(tmp_path, {W: r"""
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            input:
              message: "say \"caf\u00e9\" to {{ length(parameters.hosts) }}"
    """}, [], only=TEMPLATES, paths=[W])


def test_ternary_inside_single_quotes_with_doubled_quotes(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            input:
              message: 'it''s {{ parameters.a ? 1 : 2 }}'
    """}, [("AL403", 8, 39)], only=TEMPLATES, paths=[W])
    (diag,) = family(result)
    assert "ternary" in diag.message and "next/when" in (diag.suggestion or "")


def test_inline_if_inside_a_literal_block_scalar(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            input:
              script: |
                echo start
                echo {{ 'dry' if parameters.dry_run else 'real' }}
    """}, [("AL403", 10, 23)], only=TEMPLATES, paths=[W])
    assert "inline 'a if c else b'" in family(result)[0].message


def test_method_call_inside_a_folded_block_scalar(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            input:
              note: >
                first line,
                service {{ parameters.service.upper() }} here
    """}, [("AL405", 10, 38)], only=TEMPLATES, paths=[W])
    assert family(result)[0].suggestion == "call the function instead: upper(parameters.service)"
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            input:
              note: >
                first line,
                service {{ upper(parameters.service) }} here
    """}, [], only=TEMPLATES, paths=[W])


def test_error_on_the_continuation_line_of_a_plain_multiline_scalar(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            input:
              note: first words
                then {{ parameters.a && parameters.b }}
    """}, [("AL404", 9, 30)], only=TEMPLATES, paths=[W])
    assert family(result)[0].suggestion == "replace '&&' with 'and'"


@pytest.mark.parametrize("expression, column, suggestion", [
    ("parameters.a || parameters.b", 30, "replace '||' with 'or'"),
    ("!parameters.a", 17, "write 'not parameters' instead of '!parameters'"),
    ("parameters.a = 1", 30, "replace '=' with '=='"),
    ("'a' ~ parameters.b", 21, "use '+' (with string(x) around non-strings)"),
])
def test_unsupported_operators(tmp_path: Path, expression: str, column: int, suggestion: str) -> None:
    result = check(tmp_path, {W: f"""
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            input:
              flag: "{{{{ {expression} }}}}"
    """}, [("AL404", 8, column)], only=TEMPLATES, paths=[W])
    assert family(result)[0].suggestion == suggestion


def test_keyword_argument(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            input:
              hosts: "{{ slice(parameters.hosts, start=1) }}"
    """}, [("AL406", 8, 42)], only=TEMPLATES, paths=[W])


def test_object_literal_in_a_publish_value(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next:
              - when: "{{ succeeded() }}"
                publish:
                  - labels: "{{ {'env': parameters.env} }}"
    """}, [("AL407", 10, 25)], only=TEMPLATES, paths=[W])
    assert "object literals" in family(result)[0].message


def test_bare_when_is_checked_as_a_whole_expression(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
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
    """}, [("AL404", 8, 27)], only=TEMPLATES, paths=[W])
    assert "bare 'when' expression" in family(result)[0].message


def test_unclosed_block_is_a_warning_at_its_braces(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
        output_map:
          summary: "ok {{ workflow.a }} then {{ workflow.b"
    """}, [("AL408", 8, 38)], only=TEMPLATES, paths=[W])
    assert family(result)[0].severity.label == "warning"


def test_wait_for_target_must_be_a_pure_template(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: ask
            action: core.echo
            next: [{do: [guarded]}]
          - name: guarded
            action: core.echo
            wait_for:
              inquiry: "id-{{ task.ask.inquiry_id }}"
    """}, [("AL409", 11, 16)], only=TEMPLATES, paths=[W])
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: ask
            action: core.echo
            next: [{do: [guarded]}]
          - name: guarded
            action: core.echo
            wait_for:
              inquiry: "{{ task.ask.inquiry_id }}"
    """}, [], only=TEMPLATES, paths=[W])


def test_wait_for_pure_template_is_still_parsed(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: guarded
            action: core.echo
            wait_for:
              inquiry: "{{ task.ask.inquiry_id | int }}"
    """}, [("AL402", 8, 40)], only=TEMPLATES, paths=[W])


def test_jinja_statement_block(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            input:
              message: "{% if parameters.dry %}dry{% endif %}"
    """}, [("AL410", 8, 17)], only=TEMPLATES, paths=[W])
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            input:
              message: "100% done {sure}"
    """}, [], only=TEMPLATES, paths=[W])


def test_when_mixing_text_and_templates_is_a_warning(tmp_path: Path) -> None:
    result = check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
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
    """}, [("AL411", 8, 15)], only=TEMPLATES, paths=[W])
    assert family(result)[0].severity.label == "warning"


def test_passing_forms_of_the_unsupported_constructs(tmp_path: Path) -> None:
    check(tmp_path, {W: r"""
        ref: acme.w
        label: W
        version: "1.0.0"
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
    """}, [], only=TEMPLATES, paths=[W])


# -- which strings are rendered ----------------------------------------------------------

RENDERED_FIELDS = [
    pytest.param("""
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            when: "{{ parameters.x | upper }}"
          - name: b
            action: core.noop
    """, ("AL402", 7, 28), id='task when'),
    pytest.param("""
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            with_items: "{{ parameters.x | upper }}"
          - name: b
            action: core.noop
    """, ("AL402", 7, 34), id='with_items'),
    pytest.param("""
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            timeout: "{{ parameters.x | upper }}"
          - name: b
            action: core.noop
    """, ("AL402", 7, 31), id='timeout'),
    pytest.param("""
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            trace_tag_template: "deploy-{{ parameters.x | upper }}"
          - name: b
            action: core.noop
    """, ("AL402", 7, 49), id='trace_tag_template'),
    pytest.param("""
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            iterate_cache:
              namespace: "{{ parameters.x | upper }}"
          - name: b
            action: core.noop
    """, ("AL402", 8, 35), id='iterate_cache namespace'),
    pytest.param("""
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            iterate_cache:
              namespace: users
              owner_type: action
              owner_ref: "{{ parameters.x | upper }}"
          - name: b
            action: core.noop
    """, ("AL402", 10, 35), id='iterate_cache owner_ref'),
    pytest.param("""
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            iterate_cache:
              namespace: users
              generation: "{{ parameters.x | upper }}"
          - name: b
            action: core.noop
    """, ("AL402", 9, 36), id='iterate_cache generation'),
    pytest.param("""
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            worker_selector: "{{ parameters.x | upper }}"
          - name: b
            action: core.noop
    """, ("AL402", 7, 39), id='worker_selector (template)'),
    pytest.param("""
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            worker_selector:
              zone: "{{ parameters.x | upper }}"
          - name: b
            action: core.noop
    """, ("AL402", 8, 30), id='worker_selector (nested)'),
    pytest.param("""
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            worker_tolerations:
              - key: gpu
                value: "{{ parameters.x | upper }}"
          - name: b
            action: core.noop
    """, ("AL402", 9, 33), id='worker_tolerations'),
    pytest.param("""
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            worker_affinity:
              required:
                - match_labels:
                    zone: "{{ parameters.x | upper }}"
          - name: b
            action: core.noop
    """, ("AL402", 10, 36), id='worker_affinity'),
    pytest.param("""
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            permission_set_refs:
              - "{{ parameters.x | upper }}"
          - name: b
            action: core.noop
    """, ("AL402", 8, 26), id='permission_set_refs'),
    pytest.param("""
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            input:
              hosts:
                - first
                - "{{ parameters.x | upper }}"
          - name: b
            action: core.noop
    """, ("AL402", 10, 28), id='input list'),
    pytest.param("""
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next:
              - when: "{{ parameters.x | upper }}"
                do: [b]
          - name: b
            action: core.noop
    """, ("AL402", 8, 32), id='transition when'),
    pytest.param("""
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next:
              - publish:
                  - info:
                      host: "{{ parameters.x | upper }}"
          - name: b
            action: core.noop
    """, ("AL402", 10, 38), id='transition publish (nested)'),
    pytest.param("""
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            publish:
              - out: "{{ parameters.x | upper }}"
          - name: b
            action: core.noop
    """, ("AL402", 8, 31), id='legacy publish'),
    pytest.param("""
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            decision:
              - when: "{{ parameters.x | upper }}"
                next: b
          - name: b
            action: core.noop
    """, ("AL402", 8, 32), id='decision when'),
    pytest.param("""
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            on_success:
              - when: "{{ parameters.x | upper }}"
                do: b
          - name: b
            action: core.noop
    """, ("AL402", 8, 32), id='legacy on_success list'),
    pytest.param("""
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            type: parallel
            tasks:
              - name: sub
                action: core.echo
                input:
                  x: "{{ parameters.x | upper }}"
          - name: b
            action: core.noop
    """, ("AL402", 12, 31), id='parallel sub-task'),
]


@pytest.mark.parametrize("workflow, expected", RENDERED_FIELDS)
def test_every_rendered_field_is_checked(tmp_path: Path, workflow: str, expected: tuple[str, int, int]) -> None:
    check(tmp_path, {W: workflow}, [expected], only=TEMPLATES, paths=[W])


def test_output_map_is_checked(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
        output_map:
          status: "{{ 'ok' if task.a.ok else 'bad' }}"
    """}, [("AL403", 8, 20)], only=TEMPLATES, paths=[W])


def test_strings_that_are_not_rendered_are_not_checked(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
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
    """}, [], only=TEMPLATES, paths=[W])


def test_every_block_of_a_string_is_checked(tmp_path: Path) -> None:
    check(tmp_path, {W: """
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            input:
              message: "{{ a | b }} and {{ c && d }} {{ ok }}"
    """}, [("AL402", 8, 22), ("AL404", 8, 38)], only=TEMPLATES, paths=[W])


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




TRICKY_STRINGS = [
    "{{ succeeded() }}", "{{ a }} and {{ b }}", "x {{ a }}", "{{ a", "{{ a }} {{", "{% if x %}y{% endif %}",
    "{% only", "a == 1", "", "  ", "{{ }}", "{{ a | upper }}", "{{ 1 + }}", "{{ task.x.result }}", "}} {{",
    "{{ a }}{{ b }}", "{{ parameters.x ", "plain text", "{{ a }} %}", "{%", "{{ 'unterminated }}",
]


def test_a_string_is_skipped_only_when_it_has_nothing_to_report(tmp_path: Path) -> None:
    # The fast path (_may_find, remembered by text, role and kind) against check_string
    # itself: on every rendered string of the examples, the corpus and a generated corpus
    # with mistakes, and on tricky strings in every role.
    from attune_lint.check.context import CheckContext
    from attune_lint.check.workflow_view import (ITERATE_CACHE, INPUT, OUTPUT_MAP, PUBLISH, TASK_WHEN,
                                                 TRANSITION_WHEN, WAIT_FOR, WITH_ITEMS, RenderedString)
    from attune_lint.document.tree import Mark, ScalarNode
    from attune_lint.rules.templates import _may_find, check_string, expressions_of, rendered_expressions
    from attune_lint.settings.record import Settings

    from attune_testkit import CORPUS, bench_generator

    bench_generator().generate(tmp_path / "gen", packs=3, workflows=20, seed=7, mistake_rate=0.5)

    seen = 0
    for root in (EXAMPLES, CORPUS, tmp_path / "gen"):
        result = lint([root])
        for target in result.workspace.targets:
            if target.document.mapping is None or target.document.source is None:
                continue
            ctx = CheckContext(target, result.workspace, Settings())
            if not ctx.is_workflow:
                continue
            for rendered, expressions in rendered_expressions(ctx):
                found = list(check_string(ctx.path, ctx.source.text, rendered, expressions))
                assert _may_find(rendered.value, rendered.role, rendered.bare_expression) == bool(found), rendered
                seen += 1
    assert seen > 500
    for text in TRICKY_STRINGS:
        for role in (INPUT, TASK_WHEN, TRANSITION_WHEN, WAIT_FOR, WITH_ITEMS, ITERATE_CACHE, PUBLISH, OUTPUT_MAP):
            node = ScalarNode(Mark(1, 1, 0), Mark(1, len(text) + 1, len(text)), "tag:yaml.org,2002:str",
                              value=text, text=text, style='"')
            rendered = RenderedString(node, role, "here")
            found = list(check_string("f.yaml", text, rendered, expressions_of(rendered)))
            assert _may_find(rendered.value, role, rendered.bare_expression) == bool(found), (text, role)


def test_long_strings_are_checked_but_not_remembered(tmp_path: Path) -> None:
    # The memos by text hold 4,096 entries each: a long string (a hostile repository may
    # hold thousands) is worked out each time instead of being kept for the session.
    from attune_lint.rules import expression_names, templates

    long_ok = "{{ " + " + ".join(["parameters.n"] * 60) + " }}"
    long_bad = "{{ " + " + ".join(["parameters.n"] * 60) + " + }}"
    assert len(long_ok) > templates.MEMO_TEXT
    memos = (templates._parse_memo, templates._expressions, templates._may_find, expression_names._names_of)
    before = [memo.cache_info().currsize for memo in memos]
    result = check(tmp_path, {"workflows/long.yaml": f"""
        ref: acme.long
        version: "1.0.0"
        parameters:
          n: {{type: integer}}
        tasks:
          - name: a
            action: core.echo
            input:
              ok: "{long_ok}"
              bad: "{long_bad}"
    """}, [("AL401", 10, 914)], only="AL4")  # the dangling "+" after 60 operands
    assert result.diagnostics
    assert [memo.cache_info().currsize for memo in memos] == before
