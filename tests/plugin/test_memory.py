"""What the plugin keeps for the whole session: every item lives until the end (and so do
its reports), so an item holds no tree, no source text and no per-item copy of what its
pack shares (memory that would grow with the number of packs; ``bench/memory.py``)."""
from __future__ import annotations

import gc
import types
from pathlib import Path
from typing import Any

import pytest

from attune_lint.document.reader import SourceFile, YamlDocument
from attune_lint.document.tree import Node
from attune_lint.workspace.pack import ActionFile, LoadedWorkflow, Pack

pytest_plugins = ["pytester"]

HEAVY = (Node, YamlDocument, SourceFile, LoadedWorkflow, Pack, ActionFile)


class Keep:
    """Holds on to the session's items and reports for the test to look at."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self.reports: list[Any] = []

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.items = list(session.items)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.reports.append(report)


def reachable(start: Any) -> list[Any]:
    """Every object reachable from ``start`` but through pytest's config, session and other
    nodes (which reach everything), modules, classes and functions."""
    from pytest_attune.items import AttuneFile, AttuneItem

    stop = (pytest.Config, pytest.Session, types.ModuleType, type, types.FunctionType,
            types.MethodType, types.BuiltinFunctionType)
    seen: set[int] = {id(start)}
    pending, found = [start], []
    while pending:
        current = pending.pop()
        found.append(current)
        for child in gc.get_referents(current):
            if id(child) in seen or isinstance(child, stop):
                continue
            if isinstance(child, pytest.Item | pytest.Collector) and not isinstance(child, AttuneFile | AttuneItem):
                continue
            seen.add(id(child))
            pending.append(child)
    return found


def run(pytester: pytest.Pytester, shop: Path) -> Keep:
    keep = Keep()
    pytester.inline_run("--attune-packs", "-p", "no:cacheprovider", "packs", plugins=[keep])
    assert keep.items, "nothing collected"
    return keep


def test_items_hold_no_trees_and_no_source_text(pytester: pytest.Pytester, shop: Path) -> None:
    keep = run(pytester, shop)
    for item in keep.items:
        heavy = [type(o).__name__ for o in reachable(item) if isinstance(o, HEAVY)]
        assert heavy == [], f"{item.nodeid} keeps {sorted(set(heavy))}"


def test_a_packs_items_share_its_records(pytester: pytest.Pytester, shop: Path) -> None:
    keep = run(pytester, shop)
    shop_items = [i for i in keep.items if i.pack_name == "shop"]
    assert len(shop_items) > 2
    first, *others = shop_items
    for item in others:
        assert item.check is first.check
        assert item.parent.pack_root is first.parent.pack_root  # one Path per pack
        assert [m for m in item.own_markers if m.name == "attune_pack"][0] is \
            [m for m in first.own_markers if m.name == "attune_pack"][0]
        assert item.user_properties[1] is first.user_properties[1]  # ("attune_pack", "shop")
    # the pack's records key its files by text, not by Path objects
    check = first.check
    for table in (check.by_file, check.own, check.action_refs, check.workflow_refs):
        assert all(type(key) is str for key in table)
    assert check.checked and all(type(key) is str for key in check.checked)
    # a workflow file's refs: one tuple, shared by its items
    from pytest_attune.collection import file_key

    workflow_items = [i for i in shop_items if i.role == "workflow"]
    assert workflow_items and all(i.refs and i.refs is check.workflow_refs[file_key(i.path)] for i in workflow_items)


def test_the_session_keeps_no_record_per_checked_file(pytester: pytest.Pytester, shop: Path) -> None:
    """The run's records of every file are dropped once each pack has its share; the
    file nodes keep no keyword set (the items carry the refs -k matches); an item keeps
    its reports' shared records only until its teardown."""
    keep = run(pytester, shop)
    result = keep.items[0].check.result
    assert result is not None and result.diagnostics  # the shop pack has findings
    assert (result.workspace.targets, result.outlines) == ([], [])
    assert set(result.lazy_sources) <= {d.path for d in result.diagnostics}
    files = {id(item.parent): item.parent for item in keep.items}.values()
    assert len(files) > 2
    assert len({id(f.extra_keyword_matches) for f in files}) == 1
    assert not next(iter(files)).extra_keyword_matches
    for item in keep.items:
        assert item.pack_name in item.extra_keyword_matches
        assert item._report_records is None, item.nodeid


def test_the_reports_of_an_item_share_their_equal_records(pytester: pytest.Pytester, shop: Path) -> None:
    keep = run(pytester, shop)
    by_item: dict[str, list[Any]] = {}
    for report in keep.reports:
        by_item.setdefault(report.nodeid, []).append(report)
    phases = by_item[keep.items[0].nodeid]
    assert [r.when for r in phases] == ["setup", "call", "teardown"]
    assert phases[0].keywords is phases[1].keywords is phases[2].keywords
    assert "attune" in phases[0].keywords and "shop" in phases[0].keywords
    assert phases[0].user_properties is phases[1].user_properties is phases[2].user_properties
    assert ("attune_kind", "workflow") in phases[0].user_properties
    assert phases[0].sections is phases[2].sections
