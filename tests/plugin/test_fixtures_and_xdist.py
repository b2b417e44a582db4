"""The fixtures for pack authors' tests, and xdist runs matching serial ones."""
from __future__ import annotations

from pathlib import Path

import pytest
from attune_plugin_kit import outcomes

pytest_plugins = ["pytester"]


def test_fixtures_find_packs_and_lint_text(pytester: pytest.Pytester, shop: Path) -> None:
    # No --attune-packs: the fixtures serve plain Python tests too.
    pytester.makeini("[pytest]\nattune_packs = packs\n")
    pytester.makepyfile(test_authors='''
        import pytest
        from attune_plugin_kit import BAD_STANDALONE, ORDER_GRAPH

        def test_attune_packs(attune_packs):
            assert sorted(p.ref for p in attune_packs.packs) == ["shop", "tools"]
            assert {"shop.place_order", "shop.bad", "shop.warn", "shop.syntax", "tools.clean"} == set(attune_packs.workflows)
            assert {d.code for d in attune_packs.diagnostics} >= {"AL101", "AL205", "AL302"}

        def test_attune_workflow(attune_workflow):
            order = attune_workflow("shop.place_order")
            assert order.file.layout == "action-linked"
            assert order.file.path.name == "order.workflow.yaml"
            assert [t["name"] for t in order.definition["tasks"]] == ["start"]
            with pytest.raises(LookupError, match="shop.nope.*known: shop.bad"):
                attune_workflow("shop.nope")

        def test_attune_lint_text(attune_lint_text):
            findings = attune_lint_text(BAD_STANDALONE, kind="standalone", name="bad", pack="shop")
            assert [(d.code, d.line, d.column) for d in findings] == [("AL302", 10, 13)]
            assert attune_lint_text(ORDER_GRAPH, kind="graph") == []
            with pytest.raises(ValueError, match="kind must be one of"):
                attune_lint_text(ORDER_GRAPH, kind="rule")
    ''')
    result = pytester.runpytest("-rA", "-p", "no:cacheprovider", "test_authors.py")
    assert outcomes(result) == {
        "test_authors.py::test_attune_packs": "PASSED",
        "test_authors.py::test_attune_workflow": "PASSED",
        "test_authors.py::test_attune_lint_text": "PASSED",
    }


def test_xdist_gives_the_serial_outcomes(pytester: pytest.Pytester, shop: Path) -> None:
    pytest.importorskip("xdist")
    # The packs come from the ini option, which every worker must add the same way.
    pytester.makepyprojecttoml("""
        [tool.pytest.ini_options]
        testpaths = ["tests"]
        attune_packs = ["packs"]
    """)
    pytester.mkdir("tests")
    (pytester.path / "tests" / "test_plain.py").write_text("def test_plain():\n    pass\n")
    serial = pytester.runpytest("--attune-packs", "-rA", "-p", "no:cacheprovider")
    parallel = pytester.runpytest_subprocess("--attune-packs", "-rA", "-p", "no:cacheprovider", "-n", "2")
    assert len(outcomes(serial)) == 8
    # xdist itself fails the run when two workers collect different items.
    assert outcomes(parallel) == outcomes(serial)
    parallel.stdout.fnmatch_lines(["attune: 2 packs, 5 workflows checked, 2 failed, 1 warning"])
    parallel.stdout.fnmatch_lines(["packs/shop/workflows/bad.yaml:10:13: error AL302 *"])
    assert "Different tests were collected" not in parallel.stdout.str()
