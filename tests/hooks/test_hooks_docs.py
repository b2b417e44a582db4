"""docs/hooks.md: the snippets people copy must be valid for the tools that read them."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml
from pre_commit.clientlib import load_config, load_manifest

from attune_lint.cli import build_parser
from hooks_testkit import PROJECT_ROOT

DOC = PROJECT_ROOT / "docs" / "hooks.md"


def yaml_blocks() -> list[dict]:
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return [yaml.safe_load(block) for block in blocks]


def test_pre_commit_config_snippet_is_valid_and_names_real_hooks(tmp_path: Path) -> None:
    configs = [b for b in yaml_blocks() if isinstance(b, dict) and "repos" in b]
    assert len(configs) == 1
    config = configs[0]
    repo = config["repos"][0]
    assert repo["rev"], "the snippet pins a rev"
    path = tmp_path / ".pre-commit-config.yaml"
    path.write_text(yaml.safe_dump(config))
    load_config(str(path))  # pre-commit's own schema check; raises on an invalid config
    known = {hook["id"] for hook in load_manifest(str(PROJECT_ROOT / ".pre-commit-hooks.yaml"))}
    assert {hook["id"] for hook in repo["hooks"]} == known


def _attune_lint_commands(workflow: dict) -> list[list[str]]:
    commands = []
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            run = step.get("run", "")
            if run.startswith("attune-lint "):
                commands.append(shlex.split(run.split("||")[0])[1:])
    return commands


def test_github_actions_recipe_lints_uploads_sarif_and_registers() -> None:
    workflows = [b for b in yaml_blocks() if isinstance(b, dict) and "jobs" in b]
    assert len(workflows) == 1
    workflow = workflows[0]
    commands = _attune_lint_commands(workflow)
    parser = build_parser()
    parsed = []
    for argv in commands:
        try:
            parsed.append(parser.parse_args(argv))
        except SystemExit:  # argparse reports the bad option on stderr
            pytest.fail(f"the recipe's command does not parse: attune-lint {' '.join(argv)}")
    checks = [a for a in parsed if a.command == "check"]
    assert any(a.format == "github" for a in checks)
    assert any(a.format == "sarif" and a.output == "attune-lint.sarif" for a in checks)
    assert any(a.command == "register" and a.dry_run for a in parsed)
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    upload = [s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif")]
    assert upload and upload[0]["with"]["sarif_file"] == "attune-lint.sarif"
    assert workflow["jobs"]["lint-and-register"]["permissions"]["security-events"] == "write"
