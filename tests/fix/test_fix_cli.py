"""The command line of fixing: ``fix``, ``check --fix``, ``--diff``, ``--unsafe-fixes``,
unreadable files, atomic writes, reports with fixes, and ruamel.yaml only on the fix path."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from attune_lint.cli import main
from attune_testkit import PACK_YAML, REPO, write_files

LEGACY = """
    version: "1.0.0"
    tasks:
      - name: a
        action: core.echo
        on_success: b   # then b
      - name: b
        action: core.echo
        timout: 5
"""
MIGRATED = """version: "1.0.0"
tasks:
  - name: a
    action: core.echo
    next:
      - when: "{{ succeeded() }}"
        do: [b]  # then b
  - name: b
    action: core.echo
    timout: 5
"""


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    return write_files(tmp_path, {"acme/pack.yaml": PACK_YAML, "acme/workflows/deploy.yaml": LEGACY}) / "acme"


def test_fix_writes_and_reports_what_remains(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix", str(pack)]) == 0  # only a warning remains
    out, err = capsys.readouterr()
    assert (pack / "workflows" / "deploy.yaml").read_text() == MIGRATED
    assert "fixed 1 finding in 1 file" in err
    assert "AL201 unknown key 'timout'" in out and "AL310" not in out
    assert "unsafe: only with attune-lint fix --unsafe-fixes" in out


def test_check_fix_is_the_same_engine_and_unsafe_fixes_apply_on_request(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--fix", "--unsafe-fixes", str(pack)]) == 0
    assert (pack / "workflows" / "deploy.yaml").read_text() == MIGRATED.replace("timout", "timeout")
    assert "0 errors, 0 warnings" in capsys.readouterr().out


def test_diff_writes_nothing_shows_unsafe_fixes_and_exits_1(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (pack / "workflows" / "deploy.yaml").read_bytes()
    assert main(["fix", "--diff", str(pack)]) == 1
    out, err = capsys.readouterr()
    assert (pack / "workflows" / "deploy.yaml").read_bytes() == before
    assert "-    on_success: b   # then b\n" in out and "+        do: [b]  # then b\n" in out
    assert "-    timout: 5\n+    timeout: 5\n" in out
    assert "unsafe fix for AL201" in err and "applied only with --unsafe-fixes" in err
    main(["fix", str(pack), "--unsafe-fixes"])
    capsys.readouterr()
    assert main(["check", "--diff", str(pack)]) == 0
    assert capsys.readouterr().out == ""


def test_unreadable_files_are_left_byte_identical_and_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = write_files(tmp_path, {"acme/pack.yaml": PACK_YAML})
    broken = b'version: 1.10\ntasks: [\n  - name: a\n    on_success: b\n'
    (pack / "acme" / "workflows").mkdir()
    (pack / "acme" / "workflows" / "bad.yaml").write_bytes(broken)
    latin = 'version: 1.10\ndescription: "caf\xe9"\n'.encode("latin-1")
    (pack / "acme" / "workflows" / "latin.yaml").write_bytes(latin)
    big = ("version: 1.10\ntasks:\n" + "# padding\n" * 200).encode()
    (pack / "acme" / "workflows" / "big.yaml").write_bytes(big)
    assert main(["fix", "--max-file-size", "1000", str(pack / "acme")]) == 1
    out, err = capsys.readouterr()
    assert (pack / "acme" / "workflows" / "bad.yaml").read_bytes() == broken
    assert (pack / "acme" / "workflows" / "latin.yaml").read_bytes() == latin
    assert (pack / "acme" / "workflows" / "big.yaml").read_bytes() == big
    assert "AL101" in out and "AL109" in out and "AL108" in out


def test_crlf_and_bom_are_kept(tmp_path: Path) -> None:
    pack = write_files(tmp_path, {"acme/pack.yaml": PACK_YAML}) / "acme"
    (pack / "workflows").mkdir()
    text = '\ufeffversion: "1.0.0"\r\ntasks:\r\n  - name: a\r\n    action: core.echo\r\n    on_success: a  # self\r\n'
    (pack / "workflows" / "w.yaml").write_bytes(text.encode())
    assert main(["fix", str(pack)]) in (0, 1)
    assert (pack / "workflows" / "w.yaml").read_bytes().decode() == (
        '\ufeffversion: "1.0.0"\r\ntasks:\r\n  - name: a\r\n    action: core.echo\r\n    next:\r\n'
        '      - when: "{{ succeeded() }}"\r\n        do: [a]  # self\r\n')


def test_json_and_sarif_carry_the_fix(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", str(pack), "--format", "json"])
    found = json.loads(capsys.readouterr().out)["diagnostics"]
    legacy = next(d for d in found if d["code"] == "AL310")
    assert legacy["fix"] == {
        "applicability": "safe",
        "description": legacy["fix"]["description"],
        "edits": [{"line": 5, "column": 1, "end_line": 6, "end_column": 1,
                   "text": '    next:\n      - when: "{{ succeeded() }}"\n        do: [b]  # then b\n'}],
    }
    unknown = next(d for d in found if d["code"] == "AL201")
    assert unknown["fix"]["applicability"] == "unsafe"
    assert unknown["fix"]["edits"] == [{"line": 8, "column": 5, "end_line": 8, "end_column": 11, "text": "timeout"}]
    assert all("fix" in d for d in found)

    main(["check", str(pack), "--format", "sarif"])
    document = json.loads(capsys.readouterr().out)
    schema = json.loads((REPO / "tests" / "data" / "sarif-2.1.0.schema.json").read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class(schema, format_checker=validator_class.FORMAT_CHECKER).validate(document)
    results = document["runs"][0]["results"]
    fixed = next(r for r in results if r["ruleId"] == "AL310")
    replacement = fixed["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["deletedRegion"] == {"startLine": 5, "startColumn": 1, "endLine": 6, "endColumn": 1}
    assert replacement["insertedContent"]["text"].startswith("    next:\n")


def test_text_report_counts_fixable_findings(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", str(pack)])
    out = capsys.readouterr().out
    assert "1 finding fixable with --fix (attune-lint fix), 1 more with --unsafe-fixes" in out


def test_rules_and_explain_show_fixes(capsys: pytest.CaptureFixture[str]) -> None:
    main(["rules", "--format", "json"])
    rules = {r["code"]: r["fix"] for r in json.loads(capsys.readouterr().out)}
    assert rules["AL310"] == "safe" and rules["AL201"] == "unsafe" and rules["AL101"] is None
    main(["explain", "AL310"])
    assert "Fix (safe, applied by 'attune-lint fix')" in capsys.readouterr().out


def _imported_modules(*args: str) -> set[str]:
    code = ("import sys; from attune_lint.cli import main; code = main(sys.argv[1:]); "
            "print('MODULES', ' '.join(sorted(sys.modules)))")
    env = {**os.environ, "PYTHONPATH": str(REPO), "ATTUNE_LINT_NO_CACHE": "1"}
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=False)
    line = next(line for line in done.stdout.splitlines() if line.startswith("MODULES "))
    return set(line.split()[1:])


def test_check_does_not_import_ruamel_but_fix_does(pack: Path) -> None:
    one_file = str(pack / "workflows" / "deploy.yaml")
    assert not any(m.startswith("ruamel") for m in _imported_modules("check", one_file))
    assert not any(m.startswith("ruamel") for m in _imported_modules(one_file))
    assert any(m.startswith("ruamel") for m in _imported_modules("fix", "--diff", one_file))


def test_a_fix_that_would_add_an_error_is_taken_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Quoting a pack's version 1.10 gives "1.10", not a valid pack version (AL204): the
    quoting is taken back, the other fix of the file stays."""
    pack = write_files(tmp_path, {"acme/pack.yaml": "ref: acme\nlabel: Acme\nversion: 1.10  # odd\ndependencies: {}\n"})
    # exit 1: the unquoted version that stays is an error (Attune refuses such a manifest)
    assert main(["fix", str(pack / "acme")]) == 1
    assert (pack / "acme" / "pack.yaml").read_text() == "ref: acme\nlabel: Acme\nversion: 1.10  # odd\ndependencies: []\n"
    assert "AL205" in capsys.readouterr().out


def test_text_ruamel_cannot_read_is_left_unchanged(pack: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from attune_lint.fix import engine

    before = (pack / "workflows" / "deploy.yaml").read_bytes()
    monkeypatch.setattr(engine, "round_trips", lambda text: False)
    main(["fix", str(pack)])
    assert (pack / "workflows" / "deploy.yaml").read_bytes() == before
    out, err = capsys.readouterr()
    assert "not fixed: ruamel.yaml cannot read the fixed text" in err
    assert "AL310" in out  # the report is of the file as it stays


@pytest.mark.parametrize("extra", [["--cache-dir", "CACHE"], ["--jobs", "2", "--no-cache"]])
def test_fix_objects_also_in_cached_and_parallel_runs(pack: Path, tmp_path: Path, extra: list[str],
                                                      capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ATTUNE_LINT_NO_CACHE", raising=False)
    args = [str(tmp_path / "cache") if a == "CACHE" else a for a in extra]
    for _ in range(2):  # a cache miss, then a hit
        main(["check", str(pack), "--format", "json", *args])
        found = json.loads(capsys.readouterr().out)["diagnostics"]
        assert {d["code"] for d in found if d["fix"]} == {"AL310", "AL201"}


def test_show_config_and_bad_paths_fix_nothing(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (pack / "workflows" / "deploy.yaml").read_bytes()
    assert main(["fix", "--show-config", str(pack)]) == 0
    assert main(["fix", str(pack), str(pack / "missing.yaml")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert (pack / "workflows" / "deploy.yaml").read_bytes() == before
