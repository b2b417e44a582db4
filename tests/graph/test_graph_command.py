"""``attune-lint graph`` and the step summary of ``attune-lint check``."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from attune_lint.cli import build_parser, main
from attune_testkit import EXAMPLES, REPO
from graph_helpers import check_mermaid

DEPLOY = EXAMPLES / "broken" / "actions" / "workflows" / "deploy.workflow.yaml"
ROLLING = EXAMPLES / "acme" / "actions" / "workflows" / "rolling_deploy.workflow.yaml"


def test_every_option_has_help() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices["graph"]  # type: ignore[union-attr]
    for action in sub._actions:
        assert action.help, action.dest


def test_one_file_gives_one_diagram(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", str(ROLLING)]) == 0
    out = capsys.readouterr().out
    check_mermaid(out)
    assert "precheck" in out


def test_several_workflows_give_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", str(EXAMPLES / "acme")]) == 0
    out = capsys.readouterr().out
    assert out.count("```mermaid") == 2


def test_formats_and_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "g.json"
    assert main(["graph", "--format", "json", "--output", str(target), str(DEPLOY)]) == 0
    assert capsys.readouterr().out == ""
    data = json.loads(target.read_text(encoding="utf-8"))
    [workflow] = data["workflows"]
    assert workflow["workflow"] == "broken.deploy"
    assert {"AL302"} <= {f["code"] for e in workflow["edges"] for f in e["findings"]}
    assert main(["graph", "-f", "dot", str(DEPLOY)]) == 0
    assert capsys.readouterr().out.startswith('digraph "workflow" {')


def test_usage_errors(tmp_path: Path) -> None:
    assert main(["graph", str(tmp_path / "nope")]) == 2
    (tmp_path / "empty").mkdir()
    assert main(["graph", str(tmp_path / "empty")]) == 2


def _check(tmp_path: Path, *args: str, **extra: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "GITHUB_STEP_SUMMARY": str(summary),
           "ATTUNE_LINT_NO_CACHE": "1", **extra}
    done = subprocess.run([sys.executable, "-m", "attune_lint", "check", *args], capture_output=True,
                          text=True, env=env, cwd=tmp_path)
    return done, summary


def test_github_format_appends_graphs_with_findings_to_the_step_summary(tmp_path: Path) -> None:
    done, summary = _check(tmp_path, "--format", "github", str(EXAMPLES))
    assert done.returncode == 1, done.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n")  # appended, never truncated
    assert text.count("```mermaid") == 1  # only broken.deploy has graph findings (AL302, AL304)
    assert "broken\\.deploy" in text and "**AL304**" in text
    block = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    check_mermaid(block)
    done, summary2 = _check(tmp_path, "--format", "github", "-j", "2", str(EXAMPLES))
    assert summary2.read_text(encoding="utf-8") == text  # a parallel run gives the same summary


def test_other_formats_only_when_asked(tmp_path: Path) -> None:
    _, summary = _check(tmp_path, "--format", "json", str(EXAMPLES))
    assert summary.read_text(encoding="utf-8") == "earlier step\n"
    _, summary = _check(tmp_path, "--format", "json", str(EXAMPLES), ATTUNE_LINT_STEP_SUMMARY="1")
    assert summary.read_text(encoding="utf-8").count("```mermaid") == 1


def test_no_summary_without_graph_findings(tmp_path: Path) -> None:
    _, summary = _check(tmp_path, "--format", "github", str(EXAMPLES / "acme"))
    assert summary.read_text(encoding="utf-8") == "earlier step\n"


def test_a_loose_workflow_file_is_drawn(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    loose = tmp_path / "x.yaml"
    loose.write_text((EXAMPLES / "legacy_ops" / "workflows" / "rotate_logs.yaml").read_text(encoding="utf-8"),
                     encoding="utf-8")
    assert main(["graph", str(loose)]) == 0
    check_mermaid(capsys.readouterr().out)


def test_docs_show_a_rendered_graph_and_every_option() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    doc = (REPO / "docs" / "graph.md").read_text(encoding="utf-8")
    for image in ("docs/images/broken_deploy.svg", "docs/images/rolling_deploy.svg"):
        assert image in readme
        assert (REPO / image).read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert "docs/graph.md" in readme
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices["graph"]  # type: ignore[union-attr]
    for action in sub._actions:
        for option in action.option_strings:
            if option.startswith("--") and option != "--help":
                assert f"`{option}" in doc, option
