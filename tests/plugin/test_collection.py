"""Gating, node ids, selection with -k and -m, extra pack roots, collection robustness."""
from __future__ import annotations

from pathlib import Path

import pytest
from attune_plugin_kit import TOOLS_FILES, collected_ids, outcomes, write_pack

pytest_plugins = ["pytester"]

SHOP_IDS = {
    "packs/shop/pack.yaml::validate",
    "packs/shop/actions/workflows/order.workflow.yaml::validate",
    "packs/shop/workflows/bad.yaml::validate",
    "packs/shop/workflows/syntax.yaml::validate",
    "packs/shop/workflows/warn.yaml::validate",
}
TOOLS_IDS = {"packs/tools/pack.yaml::validate", "packs/tools/workflows/clean.yaml::validate"}


def test_one_validate_item_per_workflow_file_and_one_per_pack(pytester: pytest.Pytester, shop: Path) -> None:
    result = pytester.runpytest("--attune-packs", "--collect-only", "-q", "packs")
    # actions/order.yaml is an action file: its findings belong to pack.yaml's item.
    assert collected_ids(result) == SHOP_IDS | TOOLS_IDS


def test_disabled_by_default_collects_nothing_and_imports_nothing_heavy(
        pytester: pytest.Pytester, shop: Path) -> None:
    pytester.makepyfile(test_plain="""
        import sys

        import pytest

        @pytest.mark.attune
        @pytest.mark.attune_db
        @pytest.mark.attune_pack(name="shop")
        def test_no_heavy_imports():
            heavy = {"attune_lint.run.runner", "attune_lint.workspace.workspace", "jsonschema", "yaml"}
            assert heavy.isdisjoint(sys.modules), sorted(heavy & set(sys.modules))
    """)
    # --strict-markers: the markers are registered even while the plugin is off.
    result = pytester.runpytest_subprocess("--strict-markers", "-rA")
    assert outcomes(result) == {"test_plain.py::test_no_heavy_imports": "PASSED"}
    assert "attune:" not in result.stdout.str()  # neither the header line nor the summary
    assert result.ret == 0


def test_ini_switch_and_extra_roots_work_like_testpaths(pytester: pytest.Pytester, shop: Path) -> None:
    pytester.makepyprojecttoml("""
        [tool.pytest.ini_options]
        testpaths = ["tests"]
        attune_packs_enabled = true
        attune_packs = ["packs/shop"]
    """)
    pytester.mkdir("tests")
    (pytester.path / "tests" / "test_plain.py").write_text("def test_plain():\n    pass\n")

    everything = pytester.runpytest("--collect-only", "-q")
    assert collected_ids(everything) == SHOP_IDS | {"tests/test_plain.py::test_plain"}

    # Paths named on the command line are taken as they are; the summary says why no
    # pack was checked.
    named = pytester.runpytest("tests", "-rA")
    assert outcomes(named) == {"tests/test_plain.py::test_plain": "PASSED"}
    named.stdout.fnmatch_lines(["attune: no workflow checked: the configured pack roots (packs?shop) "
                                "lie outside the collected paths (tests)*"])


def test_flag_without_packs_says_why(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_plain():\n    pass\n")
    result = pytester.runpytest("--attune-packs")
    result.stdout.fnmatch_lines(["attune: no workflow checked: no Attune pack (a folder with pack.yaml) "
                                 "below the collected paths (.)*"])


def test_keyword_selects_by_workflow_ref_and_by_pack(pytester: pytest.Pytester, shop: Path) -> None:
    # 'place_order' is only the action's ref: no file or folder has that name.
    by_ref = pytester.runpytest("--attune-packs", "--collect-only", "-q", "packs", "-k", "shop.place_order")
    assert collected_ids(by_ref) == {"packs/shop/actions/workflows/order.workflow.yaml::validate"}
    by_pack = pytester.runpytest("--attune-packs", "--collect-only", "-q", "packs", "-k", "tools")
    assert collected_ids(by_pack) == TOOLS_IDS


def test_keyword_matches_the_pack_ref_not_only_the_folder(pytester: pytest.Pytester) -> None:
    write_pack(pytester.path / "packs" / "folder", {
        "pack.yaml": TOOLS_FILES["pack.yaml"].replace("ref: tools", "ref: toolbox"),
        "workflows/clean.yaml": TOOLS_FILES["workflows/clean.yaml"],
    })
    result = pytester.runpytest("--attune-packs", "--collect-only", "-q", "packs", "-k", "toolbox")
    assert collected_ids(result) == {"packs/folder/pack.yaml::validate", "packs/folder/workflows/clean.yaml::validate"}


def test_marker_expression_selects_a_pack(pytester: pytest.Pytester, shop: Path) -> None:
    one_pack = pytester.runpytest("--attune-packs", "--collect-only", "-q", "packs",
                                  "-m", "attune_pack(name='tools')")
    assert collected_ids(one_pack) == TOOLS_IDS
    pytester.makepyfile(test_plain="def test_plain():\n    pass\n")
    none_of_ours = pytester.runpytest("--attune-packs", "--collect-only", "-q", "-m", "not attune")
    assert collected_ids(none_of_ours) == {"test_plain.py::test_plain"}


def test_folders_without_pack_yaml_are_collected_only_when_configured(pytester: pytest.Pytester) -> None:
    # Any repository may have a workflows/ folder; without pack.yaml it is not a pack,
    # unless the ini option names it.
    write_pack(pytester.path / "ci", {"workflows/build.yaml": TOOLS_FILES["workflows/clean.yaml"]})
    assert collected_ids(pytester.runpytest("--attune-packs", "--collect-only", "-q")) == set()
    pytester.makeini("[pytest]\nattune_packs = ci\n")
    assert collected_ids(pytester.runpytest("--attune-packs", "--collect-only", "-q")) == {
        "ci/workflows/build.yaml::validate"}


def test_a_linter_crash_fails_that_packs_items_and_never_collection(
        pytester: pytest.Pytester, shop: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import attune_lint.run.runner

    real_lint = attune_lint.run.runner.lint

    def crash_on_shop(paths: list[Path], settings: object = None, **options: object) -> object:
        if any(Path(p).name == "shop" for p in paths):
            raise RuntimeError("rule bug")
        return real_lint(paths, settings, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(attune_lint.run.runner, "lint", crash_on_shop)
    result = pytester.runpytest("--attune-packs", "-rA", "packs")  # in-process: the patch applies
    assert outcomes(result) == {**{node: "FAILED" for node in SHOP_IDS}, **{node: "PASSED" for node in TOOLS_IDS}}
    result.stdout.fnmatch_lines(["attune-lint failed while checking the pack at *shop:", "*RuntimeError: rule bug"])
