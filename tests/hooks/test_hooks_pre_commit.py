"""The hooks through the real pre-commit framework, with this repository as the hook repository.

pre-commit clones the *committed* state of this checkout (``repo:`` = the repository root,
``rev:`` = its HEAD) and pip-installs it into its own virtualenv (PyPI must be reachable).
That install happens once per test session: PRE_COMMIT_HOME is a session-scoped folder.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from hooks_testkit import (ACTION_PATH, ACTION_YAML, BROKEN_WORKFLOW, GOOD_WORKFLOW, PROJECT_ROOT, WORKFLOW_PATH, Repo,
                      clean_env, duplicate_key_position, make_repo)

pytestmark = pytest.mark.slow

pre_commit = pytest.importorskip("pre_commit")


def _project_head() -> str:
    completed = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    if completed.returncode != 0:
        pytest.fail(f"{PROJECT_ROOT} is not a git checkout: {completed.stderr.strip()}")
    return completed.stdout.strip()


def _committed(path: str, rev: str) -> bool:
    return subprocess.run(["git", "cat-file", "-e", f"{rev}:{path}"], cwd=PROJECT_ROOT,
                          capture_output=True).returncode == 0


def _config(rev: str, register_args: list[str] | None = None) -> str:
    text = f"repos:\n  - repo: {PROJECT_ROOT}\n    rev: {rev}\n    hooks:\n      - id: attune-lint\n"
    if register_args is not None:
        text += "      - id: attune-lint-register\n        verbose: true\n"  # show what it registered
        if register_args:
            text += f"        args: [{', '.join(register_args)}]\n"
    return text


@pytest.fixture(scope="session")
def hook_rev() -> str:
    rev = _project_head()
    if not _committed(".pre-commit-hooks.yaml", rev):
        pytest.fail("HEAD of this checkout has no .pre-commit-hooks.yaml")
    return rev


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory, hook_rev: str) -> Iterator[Path]:
    """PRE_COMMIT_HOME with the attune-lint hook environment installed once for the session."""
    home = tmp_path_factory.mktemp("pre-commit-home")
    env = _env(tmp_path_factory.mktemp("home"), home)
    repo = make_repo(tmp_path_factory.mktemp("install") / "work", env)
    repo.write(".pre-commit-config.yaml", _config(hook_rev))
    started = time.perf_counter()
    installed = repo.run(sys.executable, "-m", "pre_commit", "install-hooks")
    seconds = time.perf_counter() - started
    assert installed.returncode == 0, f"pre-commit could not install the hook:\n{installed.stdout}\n{installed.stderr}"
    sys.stderr.write(f"\n[hooks] pre-commit environment for {hook_rev[:12]} installed in {seconds:.1f}s\n")
    yield home


def _env(home: Path, pre_commit_home: Path) -> dict[str, str]:
    env = clean_env(home, PRE_COMMIT_HOME=str(pre_commit_home), PRE_COMMIT_COLOR="never")
    # The hook must run the attune-lint pre-commit installed from HEAD, not this working tree.
    env.pop("PYTHONPATH", None)
    return env


@pytest.fixture
def framework_repo(tmp_path: Path, pre_commit_home: Path, hook_rev: str) -> Repo:
    """A pack repository with pre-commit installed as its git pre-commit hook."""
    repo = make_repo(tmp_path / "work", _env(tmp_path / "home", pre_commit_home))
    repo.write(".pre-commit-config.yaml", _config(hook_rev))
    repo.git("add", ".pre-commit-config.yaml")
    repo.git("commit", "-q", "--no-verify", "-m", "pre-commit config")
    repo.run(sys.executable, "-m", "pre_commit", "install", check=True)
    return repo


def _hook_line(output: str, name: str) -> str:
    for line in output.splitlines():
        if line.startswith(name + "."):
            return line
    raise AssertionError(f"no {name!r} line in:\n{output}")


def test_commit_of_broken_workflow_is_refused_then_fixed_file_passes(framework_repo: Repo) -> None:
    repo = framework_repo
    repo.write(WORKFLOW_PATH, BROKEN_WORKFLOW)
    repo.git("add", WORKFLOW_PATH)
    before = repo.head()

    refused = repo.git("commit", "-m", "broken", check=False)

    output = refused.stdout + refused.stderr
    assert refused.returncode != 0 and repo.head() == before
    assert _hook_line(output, "attune-lint").endswith("Failed")
    line, col = duplicate_key_position(BROKEN_WORKFLOW, "version")
    assert re.search(rf"^{re.escape(WORKFLOW_PATH)}:{line}:{col}: error AL102 ", output, re.M), output

    fixed = GOOD_WORKFLOW.replace('"bye"', '"goodbye"')
    repo.write(WORKFLOW_PATH, fixed)
    repo.git("add", WORKFLOW_PATH)
    passed = repo.git("commit", "-m", "fixed", check=False)

    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert _hook_line(passed.stdout + passed.stderr, "attune-lint").endswith("Passed")
    assert repo.read_committed(WORKFLOW_PATH) == fixed


def test_changed_action_is_linted_with_its_pack(framework_repo: Repo) -> None:
    """Only the action file is passed; the workflow it links is re-checked from disk."""
    repo = framework_repo
    repo.write(WORKFLOW_PATH, BROKEN_WORKFLOW)
    repo.git("commit", "-q", "-a", "--no-verify", "-m", "unchecked")
    repo.write(ACTION_PATH, ACTION_YAML.replace("Greets someone", "Greets a person"))
    repo.git("add", ACTION_PATH)

    refused = repo.git("commit", "-m", "touch the action", check=False)

    line, col = duplicate_key_position(BROKEN_WORKFLOW, "version")
    assert refused.returncode != 0
    assert f"{WORKFLOW_PATH}:{line}:{col}: error AL102" in refused.stdout + refused.stderr


def test_change_to_unrelated_file_does_not_run_the_linter(framework_repo: Repo) -> None:
    repo = framework_repo
    repo.write(WORKFLOW_PATH, BROKEN_WORKFLOW)  # broken, but not part of this commit
    repo.git("commit", "-q", "-a", "--no-verify", "-m", "unchecked")
    repo.write("README.md", "# packs\n\nmore words\n")
    repo.write(".github/workflows/ci.yml", "on: push\njobs: {}\n")  # a CI workflow is not a pack file
    repo.git("add", "README.md", ".github/workflows/ci.yml")

    committed = repo.git("commit", "-m", "docs", check=False)

    assert committed.returncode == 0, committed.stdout + committed.stderr
    assert "(no files to check)Skipped" in _hook_line(committed.stdout + committed.stderr, "attune-lint")


@pytest.fixture(scope="session")
def register_dsn() -> Iterator[str]:
    """The local PostgreSQL the registrar tests use (DSN → Docker → local cluster)."""
    if not _committed("attune_lint/commands/register.py", _project_head()):
        pytest.fail("the register command is not committed in this checkout")
    pytest.importorskip("psycopg")
    from attune_lint.registrar.provision import MODE_ENV, provision_database

    # CI sets ATTUNE_TEST_DB_MODE=require: no database is then a failure, not a skip.
    mode = os.environ.get(MODE_ENV, "auto").strip() or "auto"
    try:
        database = provision_database(mode)
    except Exception as exc:  # DatabaseUnavailable / ConnectionFailed in require mode
        pytest.fail(f"no PostgreSQL for the registration hook ({mode}): {exc}", pytrace=False)
    if not database.available:
        pytest.skip("no PostgreSQL for the registration hook: " + database.describe())
    try:
        assert database.dsn is not None
        yield database.dsn
    finally:
        database.stop()


def test_registration_hook_before_push_against_local_postgresql(framework_repo: Repo, hook_rev: str,
                                                                  register_dsn: str, tmp_path: Path) -> None:
    repo = framework_repo
    repo.write(".pre-commit-config.yaml", _config(hook_rev, ["--db", register_dsn]))
    repo.git("commit", "-q", "-a", "--no-verify", "-m", "register before push")
    repo.run(sys.executable, "-m", "pre_commit", "install", "--hook-type", "pre-push", check=True)
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], env=repo.env, check=True)
    repo.git("remote", "add", "origin", str(remote))
    repo.write(WORKFLOW_PATH, GOOD_WORKFLOW.replace('"bye"', '"so long"'))
    repo.git("commit", "-q", "-a", "--no-verify", "-m", "change the workflow")

    pushed = repo.git("push", "origin", "main", check=False)

    output = pushed.stdout + pushed.stderr
    assert pushed.returncode == 0, output
    assert _hook_line(output, "attune-lint register --dry-run").endswith("Passed")

    assert re.search(r"^created\s+demo\.greet\s+\(packs/demo/actions/workflows/greet\.workflow\.yaml\)", output,
                     re.M), output
    assert "dry run: rolled back" in output

    # A pack that cannot register stops the push: the registration hook itself refuses it
    # (register lints first and skips, with a failing status, a pack whose pack.yaml has errors).
    repo.write("packs/demo/pack.yaml", 'ref: demo\nlabel: "Demo"\nversion: "not-semver"\n')
    repo.git("commit", "-q", "-a", "--no-verify", "-m", "bad version")
    refused = repo.git("push", "origin", "main", check=False)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert _hook_line(output, "attune-lint register --dry-run").endswith("Failed"), output
    assert re.search(r"^packs/demo/pack\.yaml:\d+:\d+: error ", output, re.M), output


def test_plain_pre_push_hook_with_registration(repo: Repo, register_dsn: str, tmp_path: Path) -> None:
    """hooks/pre-push with attune-lint.register=true registers the pushed snapshot (dry run)."""
    from attune_lint.commands.install_hooks import HOOKS

    hooks = Path(repo.git("rev-parse", "--git-path", "hooks").stdout.strip())
    hooks = hooks if hooks.is_absolute() else repo.path / hooks
    (hooks / "pre-push").write_text(HOOKS["pre-push"])
    (hooks / "pre-push").chmod(0o755)
    repo.git("config", "attune-lint.register", "true")
    repo.git("config", "attune-lint.db", register_dsn)
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], env=repo.env, check=True)
    repo.git("remote", "add", "origin", str(remote))

    pushed = repo.git("push", "origin", "main", check=False)

    output = pushed.stdout + pushed.stderr
    assert pushed.returncode == 0, output
    assert re.search(r"^created\s+demo\.greet\s+\(packs/demo/actions/workflows/greet\.workflow\.yaml\)", output, re.M), output
    assert "dry run: rolled back" in output


LEGACY_WORKFLOW = GOOD_WORKFLOW.replace(
    '    next:\n      - when: "{{ succeeded() }}"\n        do:\n          - bye\n',
    '    # then say goodbye\n    on_success: bye   # always polite\n')


def test_fix_hook_rewrites_the_file_fails_the_commit_then_passes(framework_repo: Repo, hook_rev: str) -> None:
    """attune-lint-fix modifies the staged file, so pre-commit refuses the commit (as for a
    formatter); the fixed file, added, commits."""
    assert LEGACY_WORKFLOW != GOOD_WORKFLOW
    repo = framework_repo
    repo.write(".pre-commit-config.yaml",
               f"repos:\n  - repo: {PROJECT_ROOT}\n    rev: {hook_rev}\n    hooks:\n      - id: attune-lint-fix\n")
    repo.git("commit", "-q", "-a", "--no-verify", "-m", "the fix hook")
    repo.write(WORKFLOW_PATH, LEGACY_WORKFLOW)
    repo.git("add", WORKFLOW_PATH)
    before = repo.head()

    refused = repo.git("commit", "-m", "legacy", check=False)

    output = refused.stdout + refused.stderr
    assert refused.returncode != 0 and repo.head() == before, output
    assert _hook_line(output, "attune-lint fix").endswith("Failed")
    assert "files were modified by this hook" in output
    fixed = (repo.path / WORKFLOW_PATH).read_text(encoding="utf-8")
    assert fixed == LEGACY_WORKFLOW.replace(
        '    # then say goodbye\n    on_success: bye   # always polite\n',
        '    next:\n      # then say goodbye\n      - when: "{{ succeeded() }}"\n'
        '        do: [bye]  # always polite\n')

    repo.git("add", WORKFLOW_PATH)
    passed = repo.git("commit", "-m", "migrated", check=False)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert _hook_line(passed.stdout + passed.stderr, "attune-lint fix").endswith("Passed")
    assert repo.read_committed(WORKFLOW_PATH) == fixed
