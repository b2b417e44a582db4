"""The command line: output formats, exit codes, catalog commands, start-up cost."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from attune_lint.cli import main
from attune_testkit import write_files

PACK = 'ref: acme\nlabel: Acme\nversion: "1.0.0"\n'
GOOD = 'ref: acme.w\nlabel: W\nversion: "1.0.0"\ntasks:\n  - name: a\n    action: core.echo\n'
BAD = 'ref: acme.w\nlabel: W\nversion: "1.0.0"\ntasks:\n  - name: a\n    action: core.echo\n    retry: {count: 0, delay: 1}\n'


@pytest.fixture
def pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_files(tmp_path / "acme", {"pack.yaml": PACK, "workflows/w.yaml": GOOD})


def test_clean_pack_exits_0(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "acme"]) == 0
    assert "2 files checked, 0 errors, 0 warnings" in capsys.readouterr().out


def test_findings_exit_1_with_compiler_style_lines(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (pack / "workflows/w.yaml").write_text(BAD)
    assert main(["acme"]) == 1  # 'check' is the default command
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "acme/workflows/w.yaml:7:20: error AL204 'tasks[0].retry.count' must be at least 1; found 0"
    assert lines[1] == " 7 |     retry: {count: 0, delay: 1}"
    assert lines[2] == "   | " + " " * 19 + "^"


def test_json_format_is_one_object(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (pack / "workflows/w.yaml").write_text(BAD)
    assert main(["check", "--format", "json", str(pack / "workflows" / "w.yaml")]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == 1
    (diag,) = data["diagnostics"]
    assert diag == {
        "path": "acme/workflows/w.yaml", "line": 7, "column": 20, "end_line": 7, "end_column": 21,
        "severity": "error", "code": "AL204", "rule": "invalid-value",
        "message": "'tasks[0].retry.count' must be at least 1; found 0",
        "suggestion": "How many times to retry (1..100).", "fix": None,
    }


def test_warnings_do_not_fail_unless_asked(pack: Path) -> None:
    (pack / "workflows/w.yaml").write_text(GOOD + "    on_sucess: a\n")
    assert main(["check", "-q", "acme"]) == 0
    assert main(["check", "-q", "--fail-on", "warning", "acme"]) == 1
    assert main(["check", "-q", "--ignore", "AL201", "--fail-on", "warning", "acme"]) == 0


def test_usage_errors_exit_2(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--format", "nope", "acme"]) == 2
    assert main(["explain", "AL999"]) == 2
    assert "no rule 'AL999'" in capsys.readouterr().err


def test_missing_path_is_a_usage_error(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "does-not-exist.yaml"]) == 2
    assert main(["check", "--exit-zero", "acme", "does-not-exist.yaml"]) == 2
    assert "no such file or folder: does-not-exist.yaml" in capsys.readouterr().err


def test_rules_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    listing = capsys.readouterr().out
    assert "AL102  duplicate-key" in listing
    assert main(["explain", "duplicate-key"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("AL102 duplicate-key (error)") and "FAIL:" in text and "PASS:" in text


def test_every_rule_documents_a_failing_and_a_passing_example() -> None:
    from attune_lint.rules.catalog import all_rules

    for rule in all_rules().values():
        assert "FAIL:" in rule.documentation and "PASS:" in rule.documentation, rule.code
        assert rule.name == rule.name.lower() and " " not in rule.name


def test_schema_command_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "graph"]) == 0
    assert json.loads(capsys.readouterr().out)["$schema"].endswith("2020-12/schema")


def test_single_file_run_imports_nothing_heavy(pack: Path) -> None:
    code = ("import sys; from attune_lint.cli import main; rc = main(['-q', 'acme/workflows/w.yaml']); "
            "heavy = [m for m in ('psycopg', 'testcontainers', 'ruamel', 'docker') if m in sys.modules]; "
            "print(rc, heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=pack.parent)
    assert out.stdout.strip().splitlines()[-1] == "0 []"


def test_console_script_runs(pack: Path) -> None:
    result = subprocess.run(["attune-lint", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("attune-lint ")


def test_bad_file_never_gives_a_traceback(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for text in ("\x00", "tasks: {a: 1}", "- 1", "version: [", "tasks:\n  - !!python/name:os.system x\n"):
        (pack / "workflows/w.yaml").write_text(text)
        assert main(["check", "-q", "acme"]) == 1
        assert "Traceback" not in capsys.readouterr().err


def test_cli_cache_re_run_and_bypass(pack: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("ATTUNE_LINT_NO_CACHE")
    cache = pack.parent / "cache"
    (pack / "workflows/w.yaml").write_text(BAD)
    first = main(["check", "--cache-dir", str(cache), "--format", "json", "acme"])
    out_first = capsys.readouterr().out
    assert first == 1 and any(cache.iterdir())
    assert main(["check", "--cache-dir", str(cache), "--format", "json", "acme"]) == 1
    assert capsys.readouterr().out == out_first  # served from the cache, same findings
    (pack / "workflows/w.yaml").write_text(GOOD)  # an edit is never answered from the cache
    assert main(["check", "--cache-dir", str(cache), "-q", "acme"]) == 0
    assert main(["check", "--no-cache", "--cache-dir", str(pack.parent / "unused"), "-q", "acme"]) == 0
    assert not (pack.parent / "unused").exists()


def test_jobs_must_be_positive(pack: Path) -> None:
    assert main(["check", "--jobs", "0", "acme"]) == 2


def test_exit_zero_reports_but_does_not_fail(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (pack / "workflows/w.yaml").write_text(BAD)
    assert main(["check", "--exit-zero", "acme"]) == 0
    assert "error AL204" in capsys.readouterr().out
    assert main(["check", "--exit-zero", "--format", "nope", "acme"]) == 2


def test_a_dangling_link_is_a_missing_path_even_with_exit_zero(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from attune_lint.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    assert main(["check", "--no-config", "--no-cache", "--exit-zero", "dangling.yaml"]) == 2
    assert "no such file or folder: dangling.yaml" in capsys.readouterr().err


def test_fix_range_checks_max_file_size_as_check_does(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from attune_lint.cli import main

    assert main(["fix", "--no-config", "--max-file-size", "99999999999", str(tmp_path)]) == 2
    assert "--max-file-size must be between 1 and 1073741824" in capsys.readouterr().err


def test_a_file_named_from_inside_its_pack_folder_is_checked_with_its_pack(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """'attune-lint check deploy.yaml' run from actions/: the pack is found above (it crashed)."""
    from attune_lint.cli import main
    from attune_testkit import write_files

    write_files(tmp_path, {
        "acme/pack.yaml": 'ref: acme\nlabel: Acme\nversion: "1.0.0"\n',
        "acme/actions/deploy.yaml": "ref: acme.deploy\nlabel: Deploy\nworkflow_file: workflows/deploy.workflow.yaml\n",
        "acme/actions/workflows/deploy.workflow.yaml": 'version: "1.0.0"\ntasks:\n  - name: a\n    action: core.echo\n    bogus: 1\n',
    })
    monkeypatch.chdir(tmp_path / "acme" / "actions")
    assert main(["check", "--no-config", "--no-cache", "-q", "deploy.yaml"]) == 0
    out = capsys.readouterr().out
    assert "workflows/deploy.workflow.yaml:5:5: warning AL201 unknown key 'bogus'" in out  # its linked workflow
