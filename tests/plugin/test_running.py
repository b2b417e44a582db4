"""Outcomes, failure text, reporting (reportinfo, summary, JUnit XML), --lf and configuration."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from attune_plugin_kit import collected_ids, outcomes

pytest_plugins = ["pytester"]

SHOP = "packs/shop/"
FAILING = {SHOP + "workflows/bad.yaml::validate", SHOP + "workflows/syntax.yaml::validate"}
PASSING = {SHOP + "pack.yaml::validate", SHOP + "actions/workflows/order.workflow.yaml::validate",
           SHOP + "workflows/warn.yaml::validate", "packs/tools/pack.yaml::validate",
           "packs/tools/workflows/clean.yaml::validate"}


def linter_text(pytester: pytest.Pytester, relative: str) -> list[str]:
    """What the linter's own API prints for the failing findings of one file, run from
    the same folder as pytest."""
    from attune_lint.report.text import format_diagnostic
    from attune_lint.run.runner import lint

    result = lint([pytester.path / "packs" / "shop"])
    return [format_diagnostic(d, result.line_of) for d in result.diagnostics
            if d.path == relative and result.settings.fails([d])]


def test_items_fail_with_the_linters_own_text_and_no_traceback(pytester: pytest.Pytester, shop: Path) -> None:
    result = pytester.runpytest("--attune-packs", "-rA", "packs")
    assert outcomes(result) == {**{n: "FAILED" for n in FAILING}, **{n: "PASSED" for n in PASSING}}
    out = result.stdout.str()
    for relative in (SHOP + "workflows/bad.yaml", SHOP + "workflows/syntax.yaml"):
        expected = linter_text(pytester, relative)
        assert expected, relative
        for text in expected:
            assert text in out
    result.stdout.fnmatch_lines([
        "packs/shop/workflows/bad.yaml:10:13: error AL302 *missing_task*",
        " 10 |           - missing_task",
        "    |             ^^^^^^^^^^^^",
    ])
    # The file that does not parse fails its own item only, with the parser's position.
    result.stdout.fnmatch_lines(["packs/shop/workflows/syntax.yaml:6:4: error AL101 *"])
    assert "Traceback" not in out and "def runtest" not in out and "items.py" not in out


def test_warnings_do_not_fail_and_are_summarised(pytester: pytest.Pytester, shop: Path) -> None:
    result = pytester.runpytest("--attune-packs", "packs")
    result.stdout.fnmatch_lines([
        "*= attune-lint =*",
        "packs/shop/workflows/warn.yaml:3:10: warning AL205 *",
        " 3 | version: 1.10",
        "attune: 2 packs, 5 workflows checked, 2 failed, 1 warning",
    ])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_a_file_that_is_not_even_text_fails_alone(pytester: pytest.Pytester, shop: Path) -> None:
    (shop / "workflows" / "binary.yaml").write_bytes(b"ref: shop.binary\n\xff\xfe\x00\n")
    result = pytester.runpytest("--attune-packs", "-rA", "packs/shop")
    found = outcomes(result)
    assert found[SHOP + "workflows/binary.yaml::validate"] == "FAILED"
    assert found[SHOP + "workflows/warn.yaml::validate"] == "PASSED"
    assert len(found) == 6
    result.stdout.fnmatch_lines(["packs/shop/workflows/binary.yaml:2:1: error AL109 *UTF-8*"])


def test_pack_level_findings_fail_the_pack_yaml_item(pytester: pytest.Pytester, shop: Path) -> None:
    (shop / "actions" / "escape.yaml").write_text(
        'ref: shop.escape\nlabel: "Escape"\nworkflow_file: ../workflows/bad.yaml\n')
    result = pytester.runpytest("--attune-packs", "-rA", "packs/shop")
    assert outcomes(result)[SHOP + "pack.yaml::validate"] == "FAILED"
    result.stdout.fnmatch_lines(["_* attune: pack shop _*", "packs/shop/actions/escape.yaml:3:16: error AL503 *"])


def test_reportinfo_keywords_and_markers(pytester: pytest.Pytester, shop: Path) -> None:
    items, _ = pytester.inline_genitems("--attune-packs", "packs")
    by_id = {item.nodeid: item for item in items}
    bad = by_id[SHOP + "workflows/bad.yaml::validate"]
    assert bad.reportinfo() == (shop / "workflows" / "bad.yaml", 9, "attune: shop.bad")
    assert bad.location == ("packs/shop/workflows/bad.yaml", 9, "attune: shop.bad")
    order = by_id[SHOP + "actions/workflows/order.workflow.yaml::validate"]
    assert order.reportinfo() == (shop / "actions" / "workflows" / "order.workflow.yaml", 0,
                                  "attune: shop.place_order")
    pack = by_id[SHOP + "pack.yaml::validate"]
    assert pack.reportinfo() == (shop / "pack.yaml", 0, "attune: pack shop")
    assert order.get_closest_marker("attune") is not None
    assert order.get_closest_marker("attune_pack").kwargs == {"name": "shop"}  # type: ignore[union-attr]
    assert ("attune_ref", "shop.place_order") in order.user_properties


def test_junit_xml_names_each_workflow(pytester: pytest.Pytester, shop: Path) -> None:
    xml_path = pytester.path / "report.xml"
    pytester.runpytest("--attune-packs", "packs", f"--junitxml={xml_path}")
    cases = ET.parse(xml_path).getroot().iter("testcase")
    found = {}
    for case in cases:
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        found[(case.get("classname"), case.get("name"))] = (props, case.find("failure"))
    props, failure = found[("packs.shop.workflows.bad.yaml", "validate")]
    assert props["attune_ref"] == "shop.bad" and props["attune_pack"] == "shop"
    assert failure is not None and "error AL302" in (failure.text or "")
    props, failure = found[("packs.shop.actions.workflows.order.workflow.yaml", "validate")]
    assert props["attune_ref"] == "shop.place_order" and failure is None
    props, failure = found[("packs.shop.workflows.warn.yaml", "validate")]
    assert failure is None and "warning AL205" in props["attune_warning"]
    assert len(found) == len(FAILING | PASSING)


def test_last_failed_reruns_only_the_failed_files(pytester: pytest.Pytester, shop: Path) -> None:
    first = pytester.runpytest("--attune-packs", "packs")
    first.assert_outcomes(passed=len(PASSING), failed=len(FAILING))
    (shop / "workflows" / "bad.yaml").write_text((shop / "workflows" / "warn.yaml").read_text()
                                                 .replace("shop.warn", "shop.bad"))
    again = pytester.runpytest("--attune-packs", "packs", "--lf", "-rA")
    assert outcomes(again) == {SHOP + "workflows/bad.yaml::validate": "PASSED",
                               SHOP + "workflows/syntax.yaml::validate": "FAILED"}


def test_the_projects_configuration_is_honoured(pytester: pytest.Pytester, shop: Path) -> None:
    pytester.makepyprojecttoml("""
        [tool.attune-lint]
        fail-on = "warning"
        ignore = ["AL302"]
    """)
    result = pytester.runpytest("--attune-packs", "-rA", "packs")
    found = outcomes(result)
    assert found[SHOP + "workflows/warn.yaml::validate"] == "FAILED"  # warnings fail now
    assert found[SHOP + "workflows/bad.yaml::validate"] == "PASSED"   # its only finding is ignored
    result.stdout.fnmatch_lines(["packs/shop/workflows/warn.yaml:3:10: warning AL205 *"])


def test_a_configuration_mistake_is_a_usage_error(pytester: pytest.Pytester, shop: Path) -> None:
    pytester.makepyprojecttoml("""
        [tool.attune-lint]
        fail-on = "sometimes"
    """)
    result = pytester.runpytest("--attune-packs", "packs")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*attune-lint configuration: *pyproject.toml:2:*"])


def test_the_example_packs_pass_and_fail_as_the_linter_says(pytester: pytest.Pytester, example_packs: Path) -> None:
    from attune_lint.run.runner import lint

    expected: dict[str, str] = {}
    for root in sorted(p for p in example_packs.iterdir() if (p / "pack.yaml").is_file()):
        result = lint([root])
        workflows = {w.file.path.relative_to(pytester.path).as_posix() for w in result.workspace.workflows}
        failing = {d.path for d in result.diagnostics if result.settings.fails([d])}
        for path in workflows:
            expected[path + "::validate"] = "FAILED" if path in failing else "PASSED"
        pack_yaml = (root / "pack.yaml").relative_to(pytester.path).as_posix()
        expected[pack_yaml + "::validate"] = "FAILED" if failing - workflows else "PASSED"
    found = outcomes(pytester.runpytest("--attune-packs", "-rA", "packs"))
    assert found == expected
    # What the examples are for: acme and legacy_ops are valid, broken is not.
    assert any(outcome == "FAILED" for node, outcome in found.items() if node.startswith("packs/broken/"))
    assert all(outcome == "PASSED" for node, outcome in found.items() if not node.startswith("packs/broken/"))


def test_packs_side_by_side_are_checked_together_whatever_is_selected(
        pytester: pytest.Pytester, shop: Path) -> None:
    # tools calls an action of its sibling pack shop, with a typo: only a run that sees
    # both packs can tell, and the item fails even when only packs/tools is collected.
    (pytester.path / "packs" / "tools" / "workflows" / "clean.yaml").write_text(
        'ref: tools.clean\nlabel: "Clean"\nversion: "1.0"\ntasks:\n  - name: only\n    action: shop.place_ordr\n')
    result = pytester.runpytest("--attune-packs", "-rA", "packs/tools")
    assert outcomes(result) == {"packs/tools/pack.yaml::validate": "PASSED",
                                "packs/tools/workflows/clean.yaml::validate": "FAILED"}
    result.stdout.fnmatch_lines(["packs/tools/workflows/clean.yaml:6:13: error AL506 unknown action 'shop.place_ordr'*",
                                 "*did you mean 'shop.place_order'?"])


def test_an_action_file_named_on_the_command_line_gets_its_own_item(pytester: pytest.Pytester, shop: Path) -> None:
    (shop / "actions" / "escape.yaml").write_text(
        'ref: shop.escape\nlabel: "Escape"\nworkflow_file: ../workflows/bad.yaml\n')
    result = pytester.runpytest("--attune-packs", "-rA", "packs/shop/actions/escape.yaml",
                                "packs/shop/actions/order.yaml")
    assert outcomes(result) == {SHOP + "actions/escape.yaml::validate": "FAILED",
                                SHOP + "actions/order.yaml::validate": "PASSED"}
    result.stdout.fnmatch_lines(["_* attune: shop.escape _*", "packs/shop/actions/escape.yaml:3:16: error AL503 *"])
    # Found by walking a folder, action files stay part of pack.yaml's item.
    walked = pytester.runpytest("--attune-packs", "--collect-only", "-q", "packs/shop/actions")
    assert collected_ids(walked) == {SHOP + "actions/workflows/order.workflow.yaml::validate"}


def test_files_the_configuration_excludes_get_no_item(pytester: pytest.Pytester, shop: Path) -> None:
    pytester.makepyprojecttoml("""
        [tool.attune-lint]
        exclude = ["*/workflows/bad.yaml"]
    """)
    result = pytester.runpytest("--attune-packs", "--collect-only", "-q", "packs/shop")
    assert collected_ids(result) == {SHOP + "pack.yaml::validate", SHOP + "actions/workflows/order.workflow.yaml::validate",
                                     SHOP + "workflows/syntax.yaml::validate", SHOP + "workflows/warn.yaml::validate"}
