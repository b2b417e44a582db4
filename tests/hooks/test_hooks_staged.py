"""attune_lint.githooks.staged and ``attune-lint check-staged``: which files, which packs, which content."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import yaml
from pre_commit.clientlib import load_manifest

from attune_lint.githooks import staged
from hooks_testkit import (ACTION_PATH, BROKEN_WORKFLOW, GOOD_WORKFLOW, PROJECT_ROOT, WORKFLOW_PATH, Repo,
                      duplicate_key_position)

MANIFEST = PROJECT_ROOT / ".pre-commit-hooks.yaml"


# -- .pre-commit-hooks.yaml ------------------------------------------------------------------

def test_manifest_is_valid_for_pre_commit_and_follows_its_conventions() -> None:
    hooks = {hook["id"]: hook for hook in load_manifest(str(MANIFEST))}  # pre-commit's own validation
    assert set(hooks) == {"attune-lint", "attune-lint-fix", "attune-lint-register"}
    for hook in hooks.values():
        assert hook["name"] and hook["description"] and hook["language"] == "python"
        assert hook["minimum_pre_commit_version"] == "3.2.0"  # stage names like pre-push need 3.2.0
    lint = hooks["attune-lint"]
    assert lint["entry"] == "attune-lint check" and lint["pass_filenames"] is True
    fix = hooks["attune-lint-fix"]
    assert fix["entry"] == "attune-lint fix" and fix["pass_filenames"] is True
    assert "pre-commit" in fix["stages"] and "pre-push" not in fix["stages"]
    register = hooks["attune-lint-register"]
    assert register["entry"].startswith("attune-lint register --dry-run")
    assert register["pass_filenames"] is False
    assert "pre-push" in register["stages"] and "pre-commit" not in register["stages"]


def test_manifest_patterns_are_the_ones_check_staged_uses() -> None:
    raw = yaml.safe_load(MANIFEST.read_text())
    for hook in raw:
        assert hook["files"] == staged.PACK_FILE_PATTERN
        assert hook["exclude"] == staged.EXCLUDE_PATTERN


@pytest.mark.parametrize("path, expected", [
    ("pack.yaml", True),
    ("packs/demo/pack.yaml", True),
    ("packs/demo/actions/greet.yaml", True),
    ("packs/demo/actions/greet.yml", True),
    ("packs/demo/actions/workflows/greet.workflow.yaml", True),
    ("packs/demo/workflows/legacy.yml", True),
    ("packs/demo/actions/greet.sh", False),
    ("packs/demo/README.md", False),
    ("packs/demo/pack.yaml.bak", False),
    ("packs/demo/mypack.yaml", False),
    (".github/workflows/ci.yml", False),         # GitHub Actions, not an Attune workflow
    ("packs/.hidden/actions/x.yaml", False),
    ("venv/lib/site/actions/x.yaml", False),
])
def test_pack_file_selection(path: str, expected: bool) -> None:
    assert staged.is_pack_file(path) is expected
    # pre-commit applies files, then exclude, with re.search: the same answer.
    manifest_answer = bool(re.search(staged.PACK_FILE_PATTERN, path)) and not re.search(staged.EXCLUDE_PATTERN, path)
    assert manifest_answer is expected


# -- packs and plans on a snapshot's file list -----------------------------------------------

FILES = {
    "packs/demo/pack.yaml", "packs/demo/actions/greet.yaml", "packs/demo/actions/greet.sh",
    "packs/demo/actions/workflows/greet.workflow.yaml", "packs/other/pack.yaml",
    "packs/other/workflows/old.yaml", "loose/actions/workflows/x.yaml", "loose/actions/x.yaml",
    "README.md", ".attune-lint.yaml", "packs/.attune-lint.yaml",
}


@pytest.mark.parametrize("path, root", [
    ("packs/demo/actions/workflows/greet.workflow.yaml", "packs/demo"),
    ("packs/demo/actions/greet.yaml", "packs/demo"),
    ("packs/demo/pack.yaml", "packs/demo"),
    ("packs/other/workflows/gone.yaml", "packs/other"),      # a deleted file still belongs to its pack
    ("loose/actions/workflows/x.yaml", "loose"),              # no pack.yaml: the layout decides
    ("loose/actions/x.yaml", "loose"),
    ("README.md", None),
])
def test_pack_root_of_reads_the_snapshot(path: str, root: str | None) -> None:
    assert staged.pack_root_of(path, FILES) == root


def _snapshot(files: set[str]) -> staged.Snapshot:
    return staged.Snapshot(Path("/nowhere"), None, {}, set(files))


def test_plan_lints_changed_files_and_writes_their_packs() -> None:
    plan = staged.plan(_snapshot(FILES), ["packs/demo/actions/greet.yaml", "README.md", "packs/demo/actions/greet.sh"])
    assert plan.pack_roots == ["packs/demo"]
    assert plan.targets == ["packs/demo/actions/greet.yaml"]


def test_plan_lints_the_whole_pack_when_a_file_was_deleted() -> None:
    files = FILES - {"packs/demo/actions/workflows/greet.workflow.yaml"}
    changed = ["packs/demo/actions/greet.yaml", "packs/demo/actions/workflows/greet.workflow.yaml",
               "packs/other/workflows/old.yaml"]
    plan = staged.plan(_snapshot(files), changed)
    assert plan.pack_roots == ["packs/demo", "packs/other"]
    # the pack that lost a file is named whole, and its changed files are not named again
    assert plan.targets == ["packs/demo", "packs/other/workflows/old.yaml"]


def test_plan_skips_a_pack_deleted_entirely_and_honours_limits() -> None:
    files = {f for f in FILES if not f.startswith("packs/other/")}
    plan = staged.plan(_snapshot(files), ["packs/other/pack.yaml", "packs/other/workflows/old.yaml"])
    assert plan.empty and plan.pack_roots == []
    limited = staged.plan(_snapshot(FILES), ["packs/demo/pack.yaml", "loose/actions/x.yaml"], limit_to=["loose"])
    assert limited.targets == ["loose/actions/x.yaml"]


def test_parse_pre_push() -> None:
    sha = "a" * 40
    refs = staged.parse_pre_push(f"refs/heads/main {sha} refs/heads/main {'0' * 40}\n\n")
    assert [(r.local_ref, r.local_sha, r.remote_sha[:1], r.deletes) for r in refs] == [("refs/heads/main", sha, "0", False)]
    assert staged.parse_pre_push(f"(delete) {'0' * 40} refs/heads/x {sha}\n")[0].deletes
    with pytest.raises(ValueError, match="line 1 has 2 fields"):
        staged.parse_pre_push("refs/heads/main abc\n")


# -- the command in a real repository ---------------------------------------------------------

def check_staged(repo: Repo, *args: str, cwd: Path | None = None) -> "tuple[int, str, str]":
    import subprocess

    completed = subprocess.run([sys.executable, "-m", "attune_lint", "check-staged", *args], cwd=cwd or repo.path,
                               env=repo.env, capture_output=True, text=True, timeout=60)
    return completed.returncode, completed.stdout, completed.stderr


def test_check_staged_reads_the_index_and_prints_repository_paths(repo: Repo) -> None:
    repo.write(WORKFLOW_PATH, BROKEN_WORKFLOW)
    repo.git("add", WORKFLOW_PATH)
    repo.write(WORKFLOW_PATH, GOOD_WORKFLOW)
    line, col = duplicate_key_position(BROKEN_WORKFLOW, "version")

    status, out, err = check_staged(repo, "--no-snippet", cwd=repo.path / "packs")  # from a sub-folder

    assert status == 1, err
    assert out.splitlines()[0].startswith(f"{WORKFLOW_PATH}:{line}:{col}: error AL102 ")
    assert "version: \"1.0.1\"" not in out  # --no-snippet reached the check


def test_check_staged_json_format(repo: Repo) -> None:
    repo.write(WORKFLOW_PATH, BROKEN_WORKFLOW)
    repo.git("add", WORKFLOW_PATH)
    line, col = duplicate_key_position(BROKEN_WORKFLOW, "version")

    status, out, err = check_staged(repo, "--format", "json")

    assert status == 1, err
    found = json.loads(out)
    items = found["diagnostics"] if isinstance(found, dict) else found
    assert any(d["path"] == WORKFLOW_PATH and d["line"] == line and d["column"] == col and d["code"] == "AL102"
               for d in items), items


def test_check_staged_commit_mode(repo: Repo) -> None:
    repo.write(WORKFLOW_PATH, BROKEN_WORKFLOW)
    repo.git("commit", "-q", "-a", "--no-verify", "-m", "broken")
    repo.write(WORKFLOW_PATH, GOOD_WORKFLOW)
    repo.git("commit", "-q", "-a", "--no-verify", "-m", "fixed")

    assert check_staged(repo, "--commit", "HEAD~1", "-q")[0] == 1
    assert check_staged(repo, "--commit", "HEAD", "-q")[0] == 0
    # HEAD changed nothing in the action, so a limit to it leaves nothing to check
    assert check_staged(repo, "--commit", "HEAD~1", "-q", ACTION_PATH)[0] == 0
    status, _, err = check_staged(repo, "--base", "HEAD")
    assert status == 2 and "--base needs --commit" in err


def test_check_staged_nothing_staged_is_clean_and_silent(repo: Repo) -> None:
    assert check_staged(repo) == (0, "", "")


def test_check_staged_outside_a_repository_is_a_usage_error(repo: Repo, tmp_path: Path) -> None:
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    status, _, err = check_staged(repo, cwd=outside)
    assert status == 2 and "check-staged" in err


def test_check_staged_uses_the_configuration_check_would_find(repo: Repo) -> None:
    # The catalog sits in a sub-folder beside nothing the snapshot writes out: it is still found.
    repo.write("ci/known-actions.txt", "core.echo\n")
    repo.write(".attune-lint.yaml", "ignore: [AL102]\nexternal-actions-file: ci/known-actions.txt\n")
    repo.write(WORKFLOW_PATH, BROKEN_WORKFLOW)
    repo.git("add", WORKFLOW_PATH)

    status, out, err = check_staged(repo, "-q")
    assert status == 0, out + err
    assert "AL102" not in out

    status, out, err = check_staged(repo, "-q", "--no-config")
    assert status == 1 and "AL102" in out, out + err


def test_check_staged_output_file_is_relative_to_the_current_folder(repo: Repo) -> None:
    repo.write(WORKFLOW_PATH, BROKEN_WORKFLOW)
    repo.git("add", WORKFLOW_PATH)
    line, _ = duplicate_key_position(BROKEN_WORKFLOW, "version")

    status, out, err = check_staged(repo, "--format", "github", "--output", "lint.txt", cwd=repo.path / "packs")

    assert status == 1, err
    written = (repo.path / "packs" / "lint.txt").read_text()
    assert f"file={WORKFLOW_PATH},line={line}," in written
