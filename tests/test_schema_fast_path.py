"""The compiled validity check agrees with jsonschema: "valid" there means no structure
finding here, on real files, the examples and a generated corpus full of mistakes."""
from __future__ import annotations

from pathlib import Path

import pytest

from attune_lint.check.context import CheckContext
from attune_lint.workspace.workspace import load_paths
from attune_lint.rules.structure import schema_kind
from attune_lint.schemas import precise_validator as validator  # jsonschema alone, never the fast check
from attune_lint.schemas.fast import fast_validity
from attune_lint.settings.record import Settings
from attune_testkit import CORPUS, EXAMPLES, bench_generator


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("generated")
    bench_generator().main([str(root), "--packs", "6", "--workflows", "40", "--seed", "7"])
    return root


def test_fast_path_agrees_with_jsonschema(generated: Path) -> None:
    workspace = load_paths([generated, EXAMPLES, CORPUS])
    checked = invalid = 0
    for target in workspace.targets:
        if target.document.mapping is None:
            continue
        kind = schema_kind(CheckContext(target, workspace, Settings()))
        if kind is None:
            continue
        data = target.document.data
        precise = not any(True for _ in validator(kind).iter_errors(data))
        is_valid = fast_validity(kind)
        assert is_valid is not None
        assert is_valid(data) == precise, target.display
        checked += 1
        invalid += not precise
    assert checked > 250 and invalid > 10  # the comparison saw both kinds of file


@pytest.mark.parametrize("snippet", [
    {"version": "1", "tasks": [{"name": "a", "action": "x.y", "worker_selector": 5}]},
    {"version": "1", "tasks": [{"name": "a", "action": "x.y", "retry": {"count": 0, "delay": 1}}]},
    {"version": "1", "tasks": [{"name": "a", "action": "x.y"}], "output_schema": {}},
    {"version": "1", "tasks": [{"name": "a", "action": "x.y", "delay": 5}]},
    {"version": "1", "tasks": [{"name": "a", "type": "parallel"}]},
    {"version": "1", "tasks": [{"name": "a", "action": "x.y", "wait_for": {"inquiry": 0}}]},
    {"version": "1", "tasks": [{"name": "a", "action": "x.y", "iterate_cache": {"namespace": "n", "x": 1}}]},
    {"version": "1", "vars": {"bad name": 1}, "tasks": [{"name": "a", "action": "x.y"}]},
])
def test_fast_path_refuses_what_jsonschema_reports(snippet: dict) -> None:
    assert any(True for _ in validator("graph").iter_errors(snippet))
    assert fast_validity("graph")(snippet) is False
