"""The plain git hooks (hooks/pre-commit, hooks/pre-push) in real repositories, through git itself."""
from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from attune_lint.commands.install_hooks import HOOKS, MARKER
from hooks_testkit import (ACTION_PATH, ACTION_YAML, BROKEN_WORKFLOW, GOOD_WORKFLOW, PROJECT_ROOT, WORKFLOW_PATH, Repo,
                      clean_env, duplicate_key_position, make_repo)

DIAGNOSTIC_LINE = re.compile(r"^(?P<path>\S+):(?P<line>\d+):(?P<col>\d+): (?P<severity>\w+) (?P<code>AL\d+) ", re.M)


def install(repo: Repo, *extra: str) -> subprocess.CompletedProcess[str]:
    return repo.run(*repo.env["ATTUNE_LINT"].split(), "install-hooks", *extra)


def diagnostics(output: str) -> list[tuple[str, int, int, str]]:
    return [(m["path"], int(m["line"]), int(m["col"]), m["code"]) for m in DIAGNOSTIC_LINE.finditer(output)]


def expected_duplicate(text: str = BROKEN_WORKFLOW) -> tuple[str, int, int, str]:
    line, col = duplicate_key_position(text, "version")
    return (WORKFLOW_PATH, line, col, "AL102")


# -- the scripts themselves ----------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(HOOKS))
def test_hooks_folder_holds_what_install_hooks_writes(name: str) -> None:
    path = PROJECT_ROOT / "hooks" / name
    assert path.read_text(encoding="utf-8") == HOOKS[name], f"regenerate hooks/{name} from install_hooks.HOOKS"
    assert path.stat().st_mode & stat.S_IXUSR, f"hooks/{name} must be executable"


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_hooks_are_posix_sh(name: str) -> None:
    script = PROJECT_ROOT / "hooks" / name
    assert script.read_text().startswith("#!/bin/sh\n")
    # dash is a strict POSIX shell: -n parses without running; a bashism like [[ fails here.
    dash = subprocess.run(["sh", "-n", str(script)], capture_output=True, text=True)
    assert dash.returncode == 0, dash.stderr
    for bashism in ("[[", "function ", "local ", "$'", "source ", "<<<", "${!", "pipefail"):
        assert bashism not in script.read_text(), f"{bashism!r} is not POSIX sh"


# -- pre-commit: the staged content is what counts -------------------------------------------

def test_commit_of_broken_workflow_is_refused_with_positions(repo: Repo) -> None:
    assert install(repo).returncode == 0
    repo.write(WORKFLOW_PATH, BROKEN_WORKFLOW)
    repo.git("add", WORKFLOW_PATH)
    before = repo.head()

    commit = repo.git("commit", "-m", "break it", check=False)

    assert commit.returncode != 0
    assert repo.head() == before, "the commit must not happen"
    assert expected_duplicate() in diagnostics(commit.stdout + commit.stderr)


def test_partially_staged_broken_index_is_refused_although_working_tree_is_fixed(repo: Repo) -> None:
    assert install(repo).returncode == 0
    repo.write(WORKFLOW_PATH, BROKEN_WORKFLOW)
    repo.git("add", WORKFLOW_PATH)
    repo.write(WORKFLOW_PATH, GOOD_WORKFLOW)  # fixed on disk only: the commit would still hold the bug
    assert repo.git("status", "--porcelain", WORKFLOW_PATH).stdout.startswith("MM")

    commit = repo.git("commit", "-m", "staged bug", check=False)

    assert commit.returncode != 0
    assert expected_duplicate() in diagnostics(commit.stdout + commit.stderr)
    assert (repo.path / WORKFLOW_PATH).read_text() == GOOD_WORKFLOW, "the hook must not touch the working tree"


def test_partially_staged_good_index_passes_although_working_tree_is_broken(repo: Repo) -> None:
    assert install(repo).returncode == 0
    fixed = GOOD_WORKFLOW.replace('"bye"', '"goodbye"')
    repo.write(WORKFLOW_PATH, fixed)
    repo.git("add", WORKFLOW_PATH)
    repo.write(WORKFLOW_PATH, BROKEN_WORKFLOW)  # broken on disk only: not part of this commit

    commit = repo.git("commit", "-m", "good staged content", check=False)

    assert commit.returncode == 0, commit.stdout + commit.stderr
    assert repo.read_committed(WORKFLOW_PATH) == fixed
    assert diagnostics(commit.stdout + commit.stderr) == []


def test_staged_action_rechecks_its_workflow_as_the_index_holds_it(repo: Repo) -> None:
    """Only the action is staged; the linked workflow (broken in an earlier, unchecked commit)
    is read from the index, not from the fixed copy on disk."""
    repo.write(WORKFLOW_PATH, BROKEN_WORKFLOW)
    repo.git("add", WORKFLOW_PATH)
    repo.git("commit", "-q", "--no-verify", "-m", "unchecked")
    repo.write(WORKFLOW_PATH, GOOD_WORKFLOW)  # unstaged fix
    assert install(repo).returncode == 0
    repo.write(ACTION_PATH, ACTION_YAML.replace("Greets someone", "Greets a person"))
    repo.git("add", ACTION_PATH)

    commit = repo.git("commit", "-m", "touch the action", check=False)

    assert commit.returncode != 0
    assert expected_duplicate() in diagnostics(commit.stdout + commit.stderr)


def test_deleting_a_linked_workflow_rechecks_the_pack(repo: Repo) -> None:
    """The graph is removed from the index while the action still links it: the pack is linted
    whole and the dangling workflow_file is reported at the action's line and column."""
    assert install(repo).returncode == 0
    repo.git("rm", "-q", WORKFLOW_PATH)
    line = next(n for n, text in enumerate(ACTION_YAML.splitlines(), 1) if text.startswith("workflow_file:"))
    column = ACTION_YAML.splitlines()[line - 1].index("workflows/") + 1

    commit = repo.git("commit", "-m", "drop the graph", check=False)

    assert commit.returncode != 0
    found = diagnostics(commit.stdout + commit.stderr)
    assert [(path, ln, col) for path, ln, col, _ in found] == [(ACTION_PATH, line, column)], found


def test_commit_of_unrelated_file_does_not_lint(repo: Repo) -> None:
    # A broken workflow already in the index must not block a commit that does not touch packs.
    repo.write(WORKFLOW_PATH, BROKEN_WORKFLOW)
    repo.git("add", WORKFLOW_PATH)
    repo.git("commit", "-q", "--no-verify", "-m", "unchecked")
    assert install(repo).returncode == 0
    repo.write("README.md", "# packs\n\nmore words\n")
    repo.git("add", "README.md")

    commit = repo.git("commit", "-m", "docs only", check=False)

    assert commit.returncode == 0, commit.stdout + commit.stderr
    assert "files checked" not in commit.stdout + commit.stderr


def test_commit_all_uses_the_index_git_prepares(repo: Repo) -> None:
    """``git commit -a`` hands the hook a temporary index through GIT_INDEX_FILE."""
    assert install(repo).returncode == 0
    repo.write(WORKFLOW_PATH, BROKEN_WORKFLOW)  # not added: -a stages it for this commit

    commit = repo.git("commit", "-a", "-m", "all", check=False)

    assert commit.returncode != 0
    assert expected_duplicate() in diagnostics(commit.stdout + commit.stderr)


def test_git_config_args_reach_the_check(repo: Repo) -> None:
    assert install(repo).returncode == 0
    repo.git("config", "attune-lint.args", "--ignore AL102")
    repo.write(WORKFLOW_PATH, BROKEN_WORKFLOW)
    repo.git("add", WORKFLOW_PATH)

    commit = repo.git("commit", "-m", "ignored on purpose", check=False)

    assert commit.returncode == 0, commit.stdout + commit.stderr


def test_hook_without_attune_lint_fails_with_advice(tmp_path: Path) -> None:
    # PATH holds git and nothing else: no attune-lint, no Python that could import it.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    git_path = shutil.which("git")
    assert git_path is not None
    (bin_dir / "git").symlink_to(git_path)
    env = clean_env(tmp_path / "home", PATH=str(bin_dir))
    repo = make_repo(tmp_path / "work", env)
    (_hooks_dir(repo) / "pre-commit").write_text(HOOKS["pre-commit"])
    (_hooks_dir(repo) / "pre-commit").chmod(0o755)
    repo.write(WORKFLOW_PATH, GOOD_WORKFLOW.replace('"bye"', '"ciao"'))
    repo.git("add", WORKFLOW_PATH)

    commit = repo.git("commit", "-m", "x", check=False)

    assert commit.returncode != 0
    assert "attune-lint is not installed" in commit.stderr
    assert "--no-verify" in commit.stderr


# -- pre-push: the pushed commits are what counts --------------------------------------------

def _with_remote(repo: Repo, tmp_path: Path) -> Path:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], env=repo.env, check=True)
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "-q", "--no-verify", "origin", "main")
    return remote


def test_push_of_broken_commit_is_refused_and_fixed_push_passes(repo: Repo, tmp_path: Path) -> None:
    remote = _with_remote(repo, tmp_path)
    assert install(repo).returncode == 0
    repo.write(WORKFLOW_PATH, BROKEN_WORKFLOW)
    repo.git("commit", "-q", "-a", "--no-verify", "-m", "broken, unchecked")
    repo.write(WORKFLOW_PATH, GOOD_WORKFLOW)  # the working tree is fine; the pushed commit is not

    push = repo.git("push", "origin", "main", check=False)

    assert push.returncode != 0
    assert expected_duplicate() in diagnostics(push.stdout + push.stderr)
    remote_head = subprocess.run(["git", "rev-parse", "main"], cwd=remote, env=repo.env, capture_output=True, text=True)
    assert remote_head.stdout.strip() != repo.head()

    repo.git("commit", "-q", "-a", "--no-verify", "-m", "fixed")
    push = repo.git("push", "origin", "main", check=False)
    assert push.returncode == 0, push.stdout + push.stderr


def test_push_of_new_branch_checks_only_its_new_commits(repo: Repo, tmp_path: Path) -> None:
    _with_remote(repo, tmp_path)
    assert install(repo).returncode == 0
    repo.git("checkout", "-q", "-b", "feature")
    repo.write(WORKFLOW_PATH, BROKEN_WORKFLOW)
    repo.git("commit", "-q", "-a", "--no-verify", "-m", "broken on a branch")

    push = repo.git("push", "origin", "feature", check=False)
    assert push.returncode != 0
    assert expected_duplicate() in diagnostics(push.stdout + push.stderr)

    repo.git("checkout", "-q", "-b", "docs", "main")
    repo.write("README.md", "# packs\n\ndocs\n")
    repo.git("commit", "-q", "-a", "--no-verify", "-m", "docs")
    push = repo.git("push", "origin", "docs", check=False)
    assert push.returncode == 0, push.stdout + push.stderr


# -- install-hooks ---------------------------------------------------------------------------

def _hooks_dir(repo: Repo) -> Path:
    path = Path(repo.git("rev-parse", "--git-path", "hooks").stdout.strip())
    return path if path.is_absolute() else repo.path / path


def test_install_hooks_writes_executable_hooks_and_is_repeatable(repo: Repo) -> None:
    first = install(repo)
    assert first.returncode == 0, first.stderr
    for name, text in HOOKS.items():
        path = _hooks_dir(repo) / name
        assert path.read_text() == text
        assert os.access(path, os.X_OK)
    again = install(repo)
    assert again.returncode == 0, again.stderr  # our own hooks are replaced without --force


def test_install_hooks_refuses_foreign_hook_without_force(repo: Repo) -> None:
    foreign = _hooks_dir(repo) / "pre-commit"
    foreign.parent.mkdir(parents=True, exist_ok=True)
    foreign.write_text("#!/bin/sh\necho mine\n")

    refused = install(repo)

    assert refused.returncode == 2
    assert "not written by attune-lint" in refused.stderr and "--force" in refused.stderr
    assert foreign.read_text() == "#!/bin/sh\necho mine\n"
    assert not (_hooks_dir(repo) / "pre-push").exists(), "nothing is installed when one hook is refused"

    forced = install(repo, "--force")

    assert forced.returncode == 0, forced.stderr
    assert MARKER in foreign.read_text()
    assert (_hooks_dir(repo) / "pre-commit.orig").read_text() == "#!/bin/sh\necho mine\n"


def test_install_hooks_with_hooks_path(repo: Repo) -> None:
    done = install(repo, "--hooks-path", ".githooks", "--hook", "pre-commit")

    assert done.returncode == 0, done.stderr
    assert repo.git("config", "core.hooksPath").stdout.strip() == ".githooks"
    assert (repo.path / ".githooks" / "pre-commit").read_text() == HOOKS["pre-commit"]
    assert not (repo.path / ".githooks" / "pre-push").exists()
    repo.write(WORKFLOW_PATH, BROKEN_WORKFLOW)
    repo.git("add", WORKFLOW_PATH)
    commit = repo.git("commit", "-m", "through hooksPath", check=False)
    assert commit.returncode != 0
    assert expected_duplicate() in diagnostics(commit.stdout + commit.stderr)

    repo.git("config", "core.hooksPath", "elsewhere")
    refused = install(repo, "--hooks-path", ".githooks")
    assert refused.returncode == 2 and "core.hooksPath is already 'elsewhere'" in refused.stderr


def test_plain_core_hooks_path_at_the_hooks_folder(repo: Repo) -> None:
    """The documented alternative to install-hooks: point core.hooksPath at a copy of hooks/."""
    repo.git("config", "core.hooksPath", str(PROJECT_ROOT / "hooks"))
    repo.write(WORKFLOW_PATH, BROKEN_WORKFLOW)
    repo.git("add", WORKFLOW_PATH)

    commit = repo.git("commit", "-m", "x", check=False)

    assert commit.returncode != 0
    assert expected_duplicate() in diagnostics(commit.stdout + commit.stderr)


def test_commit_of_broken_workflow_with_a_newline_in_its_name_is_refused(repo: Repo) -> None:
    assert install(repo).returncode == 0
    name = WORKFLOW_PATH.rsplit("/", 1)[0] + "/new\nline.yaml"
    repo.write(name, BROKEN_WORKFLOW)
    repo.git("add", name)
    before = repo.head()

    commit = repo.git("commit", "-m", "a name with a newline", check=False)

    assert commit.returncode != 0, commit.stdout + commit.stderr
    assert repo.head() == before, "the commit must not happen"
    assert "AL102" in commit.stdout + commit.stderr


def test_install_hooks_never_writes_through_a_symlinked_hook(repo: Repo, tmp_path: Path) -> None:
    outside = tmp_path / "outside.sh"
    ours_elsewhere = tmp_path / "ours-elsewhere"
    ours_elsewhere.write_text(HOOKS["pre-commit"])  # a link to one of our hooks: replaced freely
    dangling = tmp_path / "not-there-yet.sh"
    hooks = _hooks_dir(repo)
    hooks.mkdir(parents=True, exist_ok=True)
    (hooks / "pre-commit").symlink_to(ours_elsewhere)
    (hooks / "pre-push").symlink_to(dangling)

    done = install(repo)

    assert done.returncode == 0, done.stderr
    for name in ("pre-commit", "pre-push"):
        assert not (hooks / name).is_symlink() and (hooks / name).read_text() == HOOKS[name]
    assert ours_elsewhere.read_text() == HOOKS["pre-commit"] and not dangling.exists() and not outside.exists()
