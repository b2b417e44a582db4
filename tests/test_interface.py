"""Other packs are seen through their interfaces, and no file is read twice for them."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from attune_lint.document.reader import YamlDocument
from attune_lint.run import parallel
from attune_lint.run.interface import Neighbours, interface_of
from attune_lint.run.runner import lint
from attune_lint.workspace import workspace as workspace_module

from attune_testkit import write_files


def _pack(name: str, calls: str | None = None) -> dict[str, str]:
    action = f"{calls}.run" if calls else f"{name}.run"
    return {
        f"{name}/pack.yaml": f"ref: {name}\nlabel: {name}\nversion: '1.0.0'\n",
        f"{name}/actions/run.yaml": f"ref: {name}.run\nlabel: run\nrunner_type: shell\nentry_point: run.sh\n",
        f"{name}/actions/flow.yaml": (
            f"ref: {name}.flow\nlabel: flow\nrunner_type: workflow\n"
            "workflow_file: workflows/flow.workflow.yaml\n"),
        f"{name}/actions/workflows/flow.workflow.yaml": (
            f"version: '1.0'\ntasks:\n  - name: first\n    action: {action}\n"),
    }


@pytest.fixture
def packs(tmp_path: Path) -> Path:
    root = tmp_path / "packs"
    # alpha calls beta's action (beta is read as an interface first); gamma calls nobody.
    write_files(root, {**_pack("alpha", calls="beta"), **_pack("beta"), **_pack("gamma")})
    return root


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch, packs: Path) -> Counter[str]:
    """How often each file below ``packs`` is read and composed."""
    counted: Counter[str] = Counter()
    real = workspace_module.read_yaml_file

    def counting(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        counted[Path(path).relative_to(packs).as_posix()] += 1
        return real(path, *args, **kwargs)

    monkeypatch.setattr(workspace_module, "read_yaml_file", counting)
    return counted


def test_a_called_pack_is_read_once_in_a_bounded_run(packs: Path, reads: Counter[str]) -> None:
    result = parallel.lint_bounded([packs])
    assert result.files_checked == 12 and not [d for d in result.diagnostics if d.code == "AL501"]
    # beta's action files were read for alpha's check, then handed to beta's own turn.
    assert reads["beta/actions/run.yaml"] == 1
    others = {name: count for name, count in reads.items() if not name.endswith("pack.yaml")}
    assert len(others) == 9 and set(others.values()) == {1}, reads


def test_bounded_run_equals_the_run_that_keeps_every_tree(packs: Path) -> None:
    assert parallel.lint_bounded([packs]).diagnostics == lint([packs]).diagnostics


def test_a_pack_nobody_calls_is_not_read_for_the_others(packs: Path, reads: Counter[str]) -> None:
    # A shard that checks alpha but not gamma: gamma is a neighbour nobody calls, so only
    # its pack.yaml is read (for its ref: by the shard split and by the interface), never
    # its action files.
    count, index = next((n, parallel.shard_of("alpha", n)) for n in range(2, 50)
                        if parallel.shard_of("alpha", n) != parallel.shard_of("gamma", n))
    parallel.lint_bounded([packs], shard=(index, count))
    assert reads["alpha/actions/run.yaml"] == 1 and reads["gamma/pack.yaml"] >= 1
    assert [name for name in reads if name.startswith("gamma/")] == ["gamma/pack.yaml"], reads


def test_read_ahead_is_bounded() -> None:
    neighbours = Neighbours(read_ahead=2)
    for name in ("a", "b", "c"):
        neighbours.keep_documents(Path(f"/p/{name}"), {Path(f"/p/{name}/x.yaml"): YamlDocument(name, None, None, [])})
    assert neighbours.take_documents([Path("/p/a")]) == {}  # the oldest went first
    assert list(neighbours.take_documents([Path("/p/b"), Path("/p/c")])) == [Path("/p/b/x.yaml"), Path("/p/c/x.yaml")]
    assert neighbours.take_documents([Path("/p/b")]) == {}  # handed over once


def test_interface_keeps_refs_only(packs: Path) -> None:
    full = lint([packs / "beta"]).workspace.packs[0]
    interface = interface_of(full)
    assert interface.ref == "beta" and not interface.holds_trees and full.holds_trees
    assert sorted(a.ref for a in interface.actions) == ["beta.flow", "beta.run"]
    assert all(a.document.mapping is None and a.document.source is None for a in interface.actions)
