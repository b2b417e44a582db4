"""Configuration: finding the file, reading every setting, errors with their place, --show-config."""
from __future__ import annotations

from pathlib import Path

import pytest
from attune_testkit import PACK_YAML, write_files

from attune_lint.cli import main
from attune_lint.settings.file import ConfigError, find_config, load_settings
from attune_lint.diagnostics import Severity

FLOW = """\
ref: acme.flow
label: Flow
version: 1.0
bogus: 1
tasks:
  - name: a
    action: core.echo
"""
FULL_TOML = """\
[project]
name = "packs"

[tool.attune-lint]
select = ["AL201", "unquoted-string", "AL102"]
ignore = ["AL102"]
exclude = ["packs/legacy"]
max-file-size = "2 MiB"
fail-on = "warning"
external-actions = ["core.echo", "ops.restart"]
external-actions-file = "catalog.txt"
strict-external-actions = true

[tool.attune-lint.severity]
AL201 = "error"
duplicate-key = "off"

[tool.attune-lint.per-file-ignores]
"packs/acme/workflows/old_*.yaml" = ["AL205"]
"""


def repo(tmp_path: Path, files: dict[str, str]) -> Path:
    write_files(tmp_path, {"packs/acme/pack.yaml": PACK_YAML, "packs/acme/workflows/flow.yaml": FLOW, **files})
    return tmp_path


def test_pyproject_found_from_a_subfolder(tmp_path: Path) -> None:
    repo(tmp_path, {"pyproject.toml": FULL_TOML, "catalog.txt": "# known\nvendor.sync\n\nvendor.push  # pushes\n"})
    start = tmp_path / "packs" / "acme" / "workflows"
    assert find_config(start) == (tmp_path / "pyproject.toml").resolve()
    settings = load_settings(start=start)
    assert settings.select == ("AL201", "unquoted-string", "AL102")
    assert settings.ignore == ("AL102", "duplicate-key")
    assert settings.exclude == ("packs/legacy",)
    assert settings.max_file_size == 2 * 1024 * 1024
    assert settings.fail_on == Severity.WARNING
    assert settings.external_actions == ("core.echo", "ops.restart", "vendor.sync", "vendor.push")
    assert settings.strict_external_actions is True
    assert settings.severity_overrides == (("AL201", Severity.ERROR),)
    assert settings.per_file_ignores == (("packs/acme/workflows/old_*.yaml", ("AL205",)),)
    assert settings.root == str(tmp_path.resolve())
    text = FULL_TOML.splitlines()
    assert settings.origins["select"] == f"{tmp_path.resolve() / 'pyproject.toml'}:{text.index(next(l for l in text if l.startswith('select'))) + 1}"
    assert settings.origins["strict_external_actions"].endswith(":12")
    assert settings.origins["per_file_ignores"].endswith(":18")


def test_yaml_file_wins_over_pyproject_in_the_same_folder_and_pyproject_without_table_is_skipped(tmp_path: Path) -> None:
    write_files(tmp_path, {
        ".attune-lint.yaml": "fail-on: info\nexternal-actions-file: actions.yaml\n",
        "actions.yaml": "actions:\n  - ref: vendor.sync\n  - vendor.push\n",
        "sub/pyproject.toml": "[project]\nname = 'x'\n",
        "pyproject.toml": "[tool.attune-lint]\nfail-on = 'error'\n",
    })
    assert find_config(tmp_path / "sub") == (tmp_path / ".attune-lint.yaml").resolve()
    settings = load_settings(start=tmp_path / "sub")
    assert settings.fail_on == Severity.INFO
    assert settings.external_actions == ("vendor.sync", "vendor.push")


def test_no_configuration_gives_defaults(tmp_path: Path) -> None:
    settings = load_settings(start=tmp_path)
    assert settings.select == () and settings.fail_on == Severity.ERROR
    assert settings.origins["fail_on"] == "default"


def _error(tmp_path: Path, name: str, text: str) -> ConfigError:
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path / name)
    return caught.value


@pytest.mark.parametrize(("name", "text", "line", "column", "words"), [
    ("pyproject.toml", "[tool.attune-lint]\nselect = ['AL201']\nfial-on = 'error'\n", 3, 1, "unknown setting 'fial-on'; did you mean 'fail-on'"),
    (".attune-lint.yaml", "select: [AL201]\n  \nseverities:\n  AL201: error\n", 3, 1, "unknown setting 'severities'"),
    ("pyproject.toml", "[tool.attune-lint]\nignore = [\n  'AL201',\n  'AL9999',\n]\n", 4, 3, "unknown rule code or name 'AL9999'"),
    (".attune-lint.yaml", "ignore:\n  - AL201\n  - nope\n", 3, 5, "unknown rule code or name 'nope'"),
    ("pyproject.toml", "[tool.attune-lint]\nfail-on = 'sometimes'\n", 2, 11, "unknown severity 'sometimes'"),
    (".attune-lint.yaml", "max-file-size: -3\n", 1, 16, "positive number of bytes"),
    ("pyproject.toml", "[tool.attune-lint]\nstrict-external-actions = 'yes'\n", 2, 27, "must be true or false"),
    ("pyproject.toml", "[tool.attune-lint.severity]\nAL201 = 'loud'\n", 2, 9, "unknown severity 'loud'"),
    (".attune-lint.yaml", "per-file-ignores: [AL201]\n", 1, 19, "mapping of glob"),
    (".attune-lint.yaml", "external-actions-file: missing.yaml\n", 1, 24, "does not exist"),
    ("pyproject.toml", "[tool.attune-lint]\nselect = [AL201]\n", 2, 11, "invalid TOML"),
    (".attune-lint.yaml", "select: [AL201\nignore: []\n", 2, 7, "AL101"),
    (".attune-lint.yaml", "select: [AL201]\nselect: [AL205]\n", 2, 1, "duplicate key"),
    ("other.toml", "selct = []\n", 1, 1, "unknown setting 'selct'"),
])
def test_errors_carry_file_line_and_column(tmp_path: Path, name: str, text: str, line: int, column: int,
                                           words: str) -> None:
    error = _error(tmp_path, name, text)
    assert (error.file, error.line, error.column) == (str(tmp_path / name), line, column)
    assert words in error.message
    assert str(error) == f"{tmp_path / name}:{line}:{column}: {error.message}"


def test_explicit_pyproject_without_table_is_an_error(tmp_path: Path) -> None:
    error = _error(tmp_path, "pyproject.toml", "[project]\nname = 'x'\n")
    assert "no [tool.attune-lint] table" in error.message


# --- the command line -----------------------------------------------------------------


def test_show_config_from_a_subfolder_names_each_origin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    repo(tmp_path, {"pyproject.toml": "[tool.attune-lint]\nfail-on = 'warning'\nignore = ['AL205']\n"})
    monkeypatch.chdir(tmp_path / "packs" / "acme")
    assert main(["--show-config", "--select", "AL201"]) == 0
    out = capsys.readouterr().out
    pyproject = tmp_path.resolve() / "pyproject.toml"
    lines = {line.split("=")[0].strip(): line for line in out.splitlines() if "=" in line}
    assert lines["fail-on"].endswith(f'"warning"  # {pyproject}:2')
    assert lines["ignore"].endswith(f'["AL205"]  # {pyproject}:3')
    assert lines["select"].endswith('["AL201"]  # command line (--select)')
    assert lines["max-file-size"].endswith("1048576  # default")
    assert f"# configuration file: {pyproject}" in out


def test_configuration_error_exits_2_with_position_and_no_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    repo(tmp_path, {".attune-lint.yaml": "select: [AL201]\nfail-on: never\n"})
    monkeypatch.chdir(tmp_path / "packs")
    assert main(["check", "acme"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == (f"{tmp_path.resolve() / '.attune-lint.yaml'}:2:10: fail-on: unknown severity 'never' "
                           "(expected error, warning or info)")
    assert "Traceback" not in err


def test_unknown_code_on_the_command_line_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    repo(tmp_path, {})
    monkeypatch.chdir(tmp_path)
    assert main(["packs", "--ignore", "AL201,AL77"]) == 2
    assert "unknown rule code or name 'AL77'" in capsys.readouterr().err


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(args)
    out = capsys.readouterr().out
    return code, [line for line in out.splitlines() if ": " in line and " AL" in line]


def test_settings_shape_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    repo(tmp_path, {"packs/acme/workflows/old_flow.yaml": FLOW.replace("acme.flow", "acme.old_flow"),
                    "packs/legacy/pack.yaml": PACK_YAML.replace("acme", "legacy"),
                    "packs/legacy/workflows/x.yaml": FLOW.replace("acme.flow", "legacy.x")})
    monkeypatch.chdir(tmp_path)
    code, lines = _run(["packs", "--no-snippet"], capsys)
    assert code == 0 and len(lines) == 6  # AL205 + AL201 in each of the three workflows

    (tmp_path / "pyproject.toml").write_text(
        "[tool.attune-lint]\nexclude = ['packs/legacy']\n"
        "[tool.attune-lint.severity]\nunknown-key = 'error'\n"
        "[tool.attune-lint.per-file-ignores]\n'packs/*/workflows/old_*.yaml' = ['AL205']\n")
    # Run from a subfolder: globs stay relative to the configuration file's folder.
    monkeypatch.chdir(tmp_path / "packs")
    code, lines = _run([".", "--no-snippet"], capsys)
    assert code == 1
    assert lines == [
        "acme/workflows/flow.yaml:3:10: warning AL205 'version' is a string, but YAML reads the unquoted 1.0 as 1.0",
        "acme/workflows/flow.yaml:4:1: error AL201 unknown key 'bogus' in the top level: the platform ignores it",
        "acme/workflows/old_flow.yaml:4:1: error AL201 unknown key 'bogus' in the top level: the platform ignores it",
    ]
    # Flags override the file: --select replaces, --fail-on wins, --no-config drops the file.
    code, lines = _run([".", "--select", "AL205", "--no-snippet"], capsys)
    assert code == 0 and [line.split(":")[0] for line in lines] == ["acme/workflows/flow.yaml"]
    code, lines = _run([".", "--select", "AL205", "--fail-on", "warning", "-q"], capsys)
    assert code == 1
    code, lines = _run([".", "--no-config", "--no-snippet"], capsys)
    assert code == 0 and len(lines) == 6


def test_explicit_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    repo(tmp_path, {"ci/lint.yaml": "fail-on: warning\nselect: [AL201]\n",
                    "pyproject.toml": "[tool.attune-lint]\nselect = ['AL205']\n"})
    monkeypatch.chdir(tmp_path)
    code, lines = _run(["packs", "--config", "ci/lint.yaml", "--no-snippet"], capsys)
    assert code == 1
    assert [line.split(" ")[2] for line in lines] == ["AL201"]
    code, lines = _run(["packs", "--no-snippet"], capsys)
    assert code == 0 and [line.split(" ")[2] for line in lines] == ["AL205"]


def test_max_file_size_from_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    repo(tmp_path, {".attune-lint.yaml": "max-file-size: 50\n"})
    monkeypatch.chdir(tmp_path)
    code, lines = _run(["packs", "--no-snippet"], capsys)
    assert code == 1
    assert any("packs/acme/workflows/flow.yaml:1:1: error" in line and "50 bytes" in line for line in lines)


# --- the documentation's examples are real ---------------------------------------------

DOC = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


def _doc_block(language: str, containing: str) -> str:
    import re

    blocks = re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return next(block for block in blocks if containing in block)


def test_documented_examples_load(tmp_path: Path) -> None:
    write_files(tmp_path, {"ci/platform-actions.yaml": "- core.echo\n- core.noop\n",
                           "ci/platform-actions.txt": "core.echo\n"})
    (tmp_path / "pyproject.toml").write_text(_doc_block("toml", "[tool.attune-lint]"), encoding="utf-8")
    from_toml = load_settings(tmp_path / "pyproject.toml")
    assert from_toml.fail_on == Severity.WARNING and "AL305" in from_toml.ignore
    (tmp_path / ".attune-lint.yaml").write_text(_doc_block("yaml", "per-file-ignores:"), encoding="utf-8")
    from_yaml = load_settings(tmp_path / ".attune-lint.yaml")
    assert from_yaml.severity_overrides == (("unquoted-string", Severity.ERROR),)


def test_every_setting_and_flag_is_documented() -> None:
    import argparse

    from attune_lint.commands import check
    from attune_lint.settings.file import KNOWN_SETTINGS

    text = DOC.read_text(encoding="utf-8")
    for name in KNOWN_SETTINGS:
        assert f"`{name}`" in text, name
    parser = check.add_parser(argparse.ArgumentParser().add_subparsers())
    for action in parser._actions:
        for option in action.option_strings:
            if option.startswith("--") and option != "--help":
                assert f"`{option}" in text, option
