"""Baseline: record today's findings, report only new ones, survive edits above a finding."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from attune_testkit import PACK_YAML, write_files

from attune_lint.report import baseline
from attune_lint.cli import main

FLOW = """\
ref: acme.flow
label: Flow
version: 1.0
bogus: 1
tasks:
  - name: a
    action: core.echo
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = main(list(args))
    captured = capsys.readouterr()
    heads = [line for line in captured.out.splitlines() if " AL" in line and line[:1] not in " \t"]
    return code, heads, captured.out.rstrip().splitlines()[-1] if captured.out.strip() else ""


@pytest.fixture
def pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_files(tmp_path, {"packs/acme/pack.yaml": PACK_YAML, "packs/acme/workflows/flow.yaml": FLOW})
    monkeypatch.chdir(tmp_path)
    return tmp_path / "packs" / "acme"


def test_write_then_apply(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, heads, _ = run(capsys, "packs", "--fail-on", "warning", "--write-baseline", "lint-baseline.json")
    assert code == 0  # recorded findings are accepted
    assert len(heads) == 2
    document = json.loads(Path("lint-baseline.json").read_text(encoding="utf-8"))
    assert document["version"] == 1
    assert sorted((f["path"], f["code"], f["line"], f["count"]) for f in document["findings"]) == [
        ("packs/acme/workflows/flow.yaml", "AL201", "bogus: 1", 1),
        ("packs/acme/workflows/flow.yaml", "AL205", "version: 1.0", 1),
    ]
    code, heads, summary = run(capsys, "packs", "--fail-on", "warning", "--baseline", "lint-baseline.json")
    assert (code, heads) == (0, [])
    assert summary.endswith("baseline: 2 known findings hidden, 0 no longer found")


def test_lines_inserted_above_do_not_bring_findings_back(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "packs", "--write-baseline", "b.json")
    flow = pack / "workflows" / "flow.yaml"
    flow.write_text("# a new header\n# more\n" + FLOW.replace("label: Flow\n", "label: Flow\ndescription: x\n"),
                    encoding="utf-8")
    code, heads, summary = run(capsys, "packs", "--baseline", "b.json", "--fail-on", "warning")
    assert (code, heads) == (0, [])
    assert "2 known findings hidden, 0 no longer found" in summary


def test_new_findings_are_reported_and_fixed_ones_counted(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "packs", "--write-baseline", "b.json")
    flow = pack / "workflows" / "flow.yaml"
    # Fix the version, add a second unknown key (same code, other line text).
    flow.write_text(FLOW.replace("version: 1.0", 'version: "1.0"').replace("bogus: 1", "bogus: 1\ncolour: red"),
                    encoding="utf-8")
    code, heads, summary = run(capsys, "packs", "--baseline", "b.json", "--fail-on", "warning", "--no-snippet")
    assert code == 1
    assert heads == ["packs/acme/workflows/flow.yaml:5:1: warning AL201 unknown key 'colour' in the top level: "
                     "the platform ignores it"]
    assert summary.endswith("baseline: 1 known finding hidden, 1 no longer found")


def test_identical_findings_are_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    task = "  - name: a\n    action: core.echo\n    colour: red\n"
    write_files(tmp_path, {"packs/acme/pack.yaml": PACK_YAML,
                           "packs/acme/workflows/flow.yaml": 'ref: acme.flow\nversion: "1"\ntasks:\n' + task})
    monkeypatch.chdir(tmp_path)
    run(capsys, "packs", "--select", "AL201", "--write-baseline", "b.json")
    flow = tmp_path / "packs/acme/workflows/flow.yaml"
    flow.write_text('ref: acme.flow\nversion: "1"\ntasks:\n' + task + task.replace("name: a", "name: b"), encoding="utf-8")
    code, heads, summary = run(capsys, "packs", "--select", "AL201", "--baseline", "b.json", "--fail-on", "warning",
                               "--no-snippet")
    assert code == 1
    assert [h.split(": ")[0] for h in heads] == ["packs/acme/workflows/flow.yaml:9:5"]
    assert "1 known finding hidden, 0 no longer found" in summary


def test_baseline_works_from_another_folder(pack: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "packs", "--write-baseline", "b.json")
    monkeypatch.chdir(pack.parent)
    code, heads, summary = run(capsys, "acme", "--baseline", "../b.json", "--fail-on", "warning")
    assert (code, heads) == (0, [])
    assert "2 known findings hidden" in summary


def test_baseline_with_machine_formats(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "packs", "--write-baseline", "b.json")
    (pack / "workflows" / "flow.yaml").write_text(FLOW.replace("bogus: 1", "bogus: 1\ncolour: red"), encoding="utf-8")
    assert main(["packs", "--baseline", "b.json", "--format", "json"]) == 0
    diagnostics = json.loads(capsys.readouterr().out)["diagnostics"]
    assert [(d["code"], d["line"]) for d in diagnostics] == [("AL201", 5)]


@pytest.mark.parametrize(("text", "words"), [
    (None, "cannot read baseline"),
    ("{not json", "invalid JSON"),
    ('{"version": 7, "findings": []}', "not an attune-lint baseline"),
    ('{"version": 1, "findings": [{"path": "x"}]}', "finding 1 lacks path, code or line"),
])
def test_bad_baseline_is_a_usage_error(pack: Path, capsys: pytest.CaptureFixture[str], text: str | None,
                                       words: str) -> None:
    if text is not None:
        Path("b.json").write_text(text, encoding="utf-8")
    assert main(["packs", "--baseline", "b.json"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("attune-lint: b.json: ") and words in err and "Traceback" not in err
