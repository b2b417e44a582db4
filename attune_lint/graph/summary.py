"""The GitHub Actions job summary: a Mermaid picture of each workflow with graph findings.

``attune-lint check`` appends it to the file named by ``$GITHUB_STEP_SUMMARY`` (append only:
other steps write there too), so the reviewer of a pull request sees the graph.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from attune_lint.graph import graphs_of_run
from attune_lint.graph.mermaid import markdown, markdown_text
from attune_lint.graph.model import Graph

if TYPE_CHECKING:
    from attune_lint.run.result import RunResult

VARIABLE = "GITHUB_STEP_SUMMARY"


def graphs_with_findings(result: RunResult) -> list[Graph]:
    """Graphs of the workflows that have graph findings (AL3xx) in ``result``.

    The positioned trees come from a serial re-run of just those files when the run did
    not keep them (parallel or cached runs)."""
    paths = sorted({d.path for d in result.diagnostics if d.code.startswith("AL3")})
    if not paths:
        return []
    kept = {t.display: t for t in result.workspace.targets if t.document.root is not None}
    if not all(p in kept for p in paths):
        from attune_lint.run import lint

        fresh = lint(paths, result.settings, jobs=1, cache=None)
        fresh.diagnostics = [d for d in result.diagnostics if d.path in set(paths)] or fresh.diagnostics
        result = fresh
    wanted = set(paths)
    return [g for g in graphs_of_run(result) if g.path in wanted and g.graph_findings]


def summary_text(graphs: list[Graph]) -> str:
    if not graphs:
        return ""
    parts = ["## attune-lint: workflow graphs with findings\n"]
    for graph in graphs:
        parts.append(markdown(graph))
        findings = sorted(graph.graph_findings, key=lambda f: (f.line, f.code))
        parts.append("\n".join(f"- line {f.line}: **{f.code}** {markdown_text(f.message)}" for f in findings) + "\n")
    return "\n".join(parts) + "\n"


def append_step_summary(result: RunResult, environ: dict[str, str] | None = None) -> int:
    """Append the graphs to ``$GITHUB_STEP_SUMMARY`` when it is set; the number of graphs written."""
    target = (environ if environ is not None else os.environ).get(VARIABLE, "")
    if not target:
        return 0
    graphs = graphs_with_findings(result)
    if graphs:
        with Path(target).open("a", encoding="utf-8") as stream:
            stream.write(summary_text(graphs))
    return len(graphs)
