"""Golden files: each example workflow's graph in Mermaid and DOT (tests/graph/golden/).

After an intended change of the drawing, regenerate them and review the diff:

    ATTUNE_UPDATE_GOLDEN=1 python3 -m pytest -q tests/graph/test_graph_golden.py
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from attune_lint.graph import dot, mermaid
from attune_testkit import EXAMPLES, REPO
from graph_helpers import check_mermaid, graphs

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("ATTUNE_UPDATE_GOLDEN", "") not in ("", "0")
WORKFLOWS = sorted(str(p.relative_to(REPO)) for p in EXAMPLES.rglob("*.yaml")
                   if "workflows" in p.relative_to(EXAMPLES).parts)


@pytest.fixture(scope="module")
def example_graphs() -> dict[str, object]:
    cwd = os.getcwd()
    os.chdir(REPO)  # display paths relative to the repository, whatever the current folder
    try:
        return {g.path: g for g in graphs([str(EXAMPLES.relative_to(REPO))])}
    finally:
        os.chdir(cwd)


def _golden_name(path: str) -> str:
    parts = Path(path).relative_to(EXAMPLES.relative_to(REPO)).parts
    stem = parts[-1].removesuffix(".yaml").removesuffix(".workflow")
    return f"{parts[0]}.{stem}"


def test_every_example_workflow_is_drawn(example_graphs: dict[str, object]) -> None:
    assert sorted(example_graphs) == WORKFLOWS


@pytest.mark.parametrize("fmt, suffix", [("mermaid", ".mmd"), ("dot", ".dot")])
@pytest.mark.parametrize("path", WORKFLOWS)
def test_golden(example_graphs: dict[str, object], path: str, fmt: str, suffix: str) -> None:
    graph = example_graphs[path]
    text = mermaid.render(graph) if fmt == "mermaid" else dot.render(graph)  # type: ignore[arg-type]
    golden = GOLDEN / (_golden_name(path) + suffix)
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"missing golden file {golden} (ATTUNE_UPDATE_GOLDEN=1 writes it)"
    assert text == golden.read_text(encoding="utf-8"), f"{golden.name} differs (ATTUNE_UPDATE_GOLDEN=1 rewrites it)"
    if fmt == "mermaid":
        check_mermaid(text)


def test_golden_folder_has_no_stale_files() -> None:
    expected = {_golden_name(p) + s for p in WORKFLOWS for s in (".mmd", ".dot")}
    assert {p.name for p in GOLDEN.iterdir()} == expected
