"""Every --format read as its consumer reads it: JSON parsed, SARIF validated against the
official schema, GitHub workflow commands parsed, JUnit XML parsed; text colour and summary;
--output; exit codes."""
from __future__ import annotations

import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest
from attune_testkit import EXAMPLES, PACK_YAML, write_files

from attune_lint.cli import main
from attune_lint.diagnostics import Diagnostic, Severity, Span

SCHEMA = Path(__file__).parent / "data" / "sarif-2.1.0.schema.json"


@pytest.fixture
def broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The deliberately broken example pack, checked from the folder above it."""
    shutil.copytree(EXAMPLES / "broken", tmp_path / "broken")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "broken"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def reference(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    """The diagnostics as the JSON format gives them (the other formats are compared to it)."""
    code, out, _ = run(capsys, *args, "--format", "json")
    document = json.loads(out)
    assert document["version"] == 1
    return document["diagnostics"]


def test_json_is_one_document_with_every_diagnostic(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    diagnostics = reference(capsys, "broken")
    assert len(diagnostics) >= 5
    assert {d["severity"] for d in diagnostics} >= {"error", "warning"}
    code, out, _ = run(capsys, "broken", "--no-snippet", "-q")
    text_heads = [line for line in out.splitlines() if not line.startswith(" ")]
    assert text_heads == [f"{d['path']}:{d['line']}:{d['column']}: {d['severity']} {d['code']} {d['message']}"
                          for d in diagnostics]


def test_sarif_validates_against_the_official_schema(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from attune_lint.rules.catalog import all_rules

    expected = reference(capsys, "broken")
    code, out, _ = run(capsys, "broken", "--format", "sarif")
    assert code == 1
    document = json.loads(out)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(document), key=str)
    assert not errors, errors[0]

    assert document["version"] == "2.1.0"
    run_ = document["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    catalog = all_rules()
    assert [r["id"] for r in rules] == list(catalog)
    for descriptor in rules:
        rule = catalog[descriptor["id"]]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"]
        assert descriptor["help"]["text"] == (rule.documentation or rule.summary)
    assert run_["columnKind"] == "unicodeCodePoints"
    base = run_["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == Path.cwd().as_uri() + "/"

    results = run_["results"]
    assert len(results) == len(expected)
    for result, diagnostic in zip(results, expected):
        assert result["ruleId"] == diagnostic["code"]
        assert rules[result["ruleIndex"]]["id"] == diagnostic["code"]
        assert result["level"] == {"error": "error", "warning": "warning", "info": "note"}[diagnostic["severity"]]
        assert result["message"]["text"].startswith(diagnostic["message"])
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert unquote(location["artifactLocation"]["uri"]) == diagnostic["path"]
        assert (Path.cwd() / unquote(location["artifactLocation"]["uri"])).is_file()
        region = location["region"]
        assert (region["startLine"], region["startColumn"]) == (diagnostic["line"], diagnostic["column"])
        assert (region["endLine"], region["endColumn"]) == (diagnostic["end_line"], diagnostic["end_column"])


def test_sarif_of_a_clean_run_is_valid_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    write_files(tmp_path, {"my packs/acme/pack.yaml": PACK_YAML})
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "my packs", "--format", "sarif")
    assert code == 0
    document = json.loads(out)
    jsonschema.validate(document, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert document["runs"][0]["results"] == []


def test_sarif_uri_is_percent_encoded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    write_files(tmp_path, {"my packs/acme/pack.yaml": PACK_YAML + "colour: red\n"})
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "my packs", "--format", "sarif")
    uri = json.loads(out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "my%20packs/acme/pack.yaml"


_COMMAND = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")


def _unescape(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def parse_github(out: str) -> list[tuple[str, dict[str, str], str]]:
    commands = []
    for line in out.splitlines():
        if not line:
            continue
        found = _COMMAND.match(line)
        assert found, f"not a workflow command: {line!r}"
        properties = dict(part.split("=", 1) for part in found.group(2).split(","))
        commands.append((found.group(1), {k: _unescape(v) for k, v in properties.items()}, _unescape(found.group(3))))
    return commands


def test_github_annotations(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = reference(capsys, "broken")
    code, out, _ = run(capsys, "broken", "--format", "github")
    assert code == 1
    commands = parse_github(out)
    assert len(commands) == len(expected)
    for (kind, properties, message), diagnostic in zip(commands, expected):
        assert kind == {"error": "error", "warning": "warning", "info": "notice"}[diagnostic["severity"]]
        assert properties == {
            "file": diagnostic["path"], "line": str(diagnostic["line"]), "col": str(diagnostic["column"]),
            "endLine": str(diagnostic["end_line"]), "endColumn": str(diagnostic["end_column"]),
            "title": diagnostic["code"],
        }
        assert message.startswith(diagnostic["message"])


def test_github_escapes_what_would_break_a_command() -> None:
    from attune_lint.report.github import format_diagnostic

    diagnostic = Diagnostic("a,b:c%.yaml", Span(2, 3, 2, 9), Severity.INFO, "AL205", "unquoted-string",
                            "100% wrong:\nsecond line", suggestion="quote it")
    line = format_diagnostic(diagnostic)
    assert "\n" not in line
    [(kind, properties, message)] = parse_github(line)
    assert kind == "notice"
    assert properties["file"] == "a,b:c%.yaml"
    assert message == "100% wrong:\nsecond line [unquoted-string]\nhelp: quote it"


def test_junit_one_testcase_per_checked_file(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = reference(capsys, "broken")
    code, out, _ = run(capsys, "broken", "--format", "junit")
    assert code == 1
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    checked = sorted(str(p.relative_to(broken.parent)) for p in broken.rglob("*.yaml"))
    assert sorted(case.get("name") for case in cases) == checked
    failing_files = {d["path"] for d in expected if d["severity"] == "error"}
    for case in cases:
        failure = case.find("failure")
        assert (failure is not None) == (case.get("name") in failing_files), case.get("name")
        if failure is not None:
            errors = [d for d in expected if d["path"] == case.get("name") and d["severity"] == "error"]
            assert failure.text is not None
            assert failure.text.count(f"{case.get('name')}:") == len(errors)
            assert all(d["code"] in failure.get("type", "") for d in errors)
    assert int(suite.get("tests", "")) == len(cases)
    assert int(suite.get("failures", "")) == len(failing_files)
    assert int(root.get("failures", "")) == len(failing_files)


def test_junit_warnings_fail_with_fail_on_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    write_files(tmp_path, {"acme/pack.yaml": PACK_YAML + "colour: red\n"})
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "acme", "--format", "junit")
    case = ET.fromstring(out).find("testsuite/testcase")
    assert code == 0 and case is not None and case.find("failure") is None
    assert "AL201" in (case.findtext("system-out") or "")
    code, out, _ = run(capsys, "acme", "--format", "junit", "--fail-on", "warning")
    case = ET.fromstring(out).find("testsuite/testcase")
    assert code == 1 and case is not None and case.find("failure") is not None


# --- text -----------------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    from attune_lint.commands.check import use_colour

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_colour(FakeTerminal()) is True
    assert use_colour(io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_colour(FakeTerminal()) is False
    monkeypatch.setenv("NO_COLOR", "")
    assert use_colour(FakeTerminal()) is False


def test_text_report_colour_and_summary(broken: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    expected = reference(capsys, "broken")
    monkeypatch.delenv("NO_COLOR", raising=False)
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stdout", terminal)
    assert main(["broken"]) == 1
    assert "\033[31m" in terminal.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stdout", terminal)
    assert main(["broken"]) == 1
    out = terminal.getvalue()
    assert "\033[" not in out
    summary = out.rstrip().splitlines()[-1]
    files = len(list(broken.rglob("*.yaml")))
    errors = sum(d["severity"] == "error" for d in expected)
    warnings = sum(d["severity"] == "warning" for d in expected)
    assert re.fullmatch(rf"{files} files checked, {errors} errors?, {warnings} warnings? in \d+\.\d\ds(, \d+ info)?", summary) \
        or re.fullmatch(rf"{files} files checked, {errors} errors?, {warnings} warnings?, \d+ info in \d+\.\d\ds", summary)


# --- --output and exit codes -------------------------------------------------------------


def test_output_file_gets_the_format_and_the_terminal_the_text(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = reference(capsys, "broken")
    target = broken.parent / "reports" / "lint.sarif"
    target.parent.mkdir()
    target.write_text("old contents", encoding="utf-8")
    code, out, _ = run(capsys, "broken", "--format", "sarif", "--output", str(target), "--no-snippet")
    assert code == 1
    assert len(json.loads(target.read_text(encoding="utf-8"))["runs"][0]["results"]) == len(expected)
    heads = [line for line in out.splitlines() if re.match(r"^\S+:\d+:\d+: ", line)]
    assert len(heads) == len(expected)
    assert "files checked" in out.splitlines()[-1]
    assert [p.name for p in target.parent.iterdir()] == ["lint.sarif"]  # no temporary file left


def test_output_into_a_missing_folder_is_a_usage_error(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "broken", "--format", "junit", "--output", "nowhere/x.xml")
    assert code == 2 and "cannot write nowhere/x.xml" in err
    assert not (broken.parent / "nowhere").exists()


def test_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    write_files(tmp_path, {"clean/pack.yaml": PACK_YAML, "warn/pack.yaml": PACK_YAML.replace("acme", "warn") + "x: 1\n"})
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "clean")[0] == 0
    assert run(capsys, "warn")[0] == 0
    assert run(capsys, "warn", "--fail-on", "warning")[0] == 1
    assert run(capsys, "warn", "--format", "nope")[0] == 2
    assert run(capsys, "warn", "--max-file-size", "0")[0] == 2


def test_a_missing_path_is_a_junit_case_and_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import xml.etree.ElementTree as ET

    from attune_lint.cli import main

    missing = str(tmp_path / "no-such-pack")
    status = main(["check", "--no-config", "--no-cache", "-f", "junit", missing])
    out, err = capsys.readouterr()
    assert status == 2 and "no such file or folder" in err
    cases = {case.get("name"): case for case in ET.fromstring(out).iter("testcase")}
    assert missing in cases and cases[missing].find("failure") is not None
