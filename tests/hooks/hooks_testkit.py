"""Temporary git repositories holding a small pack, for the hook tests (helpers; fixtures in conftest.py).

Git runs with a private global configuration and without inherited ``GIT_*`` variables, so
neither the developer's settings nor an enclosing hook (pytest run from a hook) leak in.
"""
from __future__ import annotations

import os
import subprocess
import textwrap
from dataclasses import dataclass
from pathlib import Path

# This checkout (tests/hooks/hooks_testkit.py → the repository root): the hooks under test and,
# through PYTHONPATH, the attune_lint they run.
PROJECT_ROOT = Path(__file__).resolve().parents[2]

PACK_YAML = 'ref: demo\nlabel: "Demo"\ndescription: "Greets people"\nversion: "1.0.0"\n'
ACTION_YAML = textwrap.dedent("""\
    ref: demo.greet
    label: "Greet"
    description: "Greets someone, then says goodbye"
    enabled: true
    workflow_file: workflows/greet.workflow.yaml
    parameters:
      who:
        type: string
        required: true
    """)
GOOD_WORKFLOW = textwrap.dedent("""\
    version: "1.0.0"
    tasks:
      - name: hello
        action: core.echo
        input:
          message: "hello {{ parameters.who }}"
        next:
          - when: "{{ succeeded() }}"
            do:
              - bye
      - name: bye
        action: core.echo
        input:
          message: "bye"
    """)
# The same workflow with a duplicated key: the linter reports AL102 at the second one.
BROKEN_WORKFLOW = GOOD_WORKFLOW.replace('version: "1.0.0"\n', 'version: "1.0.0"\nversion: "1.0.1"\n')
WORKFLOW_PATH = "packs/demo/actions/workflows/greet.workflow.yaml"
ACTION_PATH = "packs/demo/actions/greet.yaml"


def duplicate_key_position(text: str, key: str) -> tuple[int, int]:
    """1-based line and column of the second ``key:`` at the start of a line in ``text``."""
    lines = [number for number, line in enumerate(text.splitlines(), 1) if line.startswith(f"{key}:")]
    assert len(lines) == 2, f"expected {key!r} twice in the test text"
    return lines[1], 1


def clean_env(tmp_home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") and k not in ("ATTUNE_LINT", "ATTUNE_LINT_REGISTER", "ATTUNE_LINT_DB")}
    gitconfig = tmp_home / ".gitconfig"
    if not gitconfig.exists():
        tmp_home.mkdir(parents=True, exist_ok=True)
        gitconfig.write_text("[user]\n\tname = Hook Test\n\temail = hooks@example.invalid\n"
                             "[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n")
    env.update(GIT_CONFIG_GLOBAL=str(gitconfig), GIT_CONFIG_NOSYSTEM="1", NO_COLOR="1",
               PYTHONPATH=os.pathsep.join([str(PROJECT_ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    env.update(extra)
    return env


@dataclass
class Repo:
    """A work tree with helpers that run git (and hooks) the way a user would."""

    path: Path
    env: dict[str, str]

    def run(self, *argv: str, check: bool = False, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        completed = subprocess.run(list(argv), cwd=self.path, env=self.env, input=stdin,
                                   capture_output=True, text=True, timeout=300)
        if check and completed.returncode != 0:
            raise AssertionError(f"{argv} failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}")
        return completed

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("git", *args, check=check)

    def write(self, relative: str, text: str) -> Path:
        path = self.path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def read_committed(self, relative: str, rev: str = "HEAD") -> str:
        return self.git("show", f"{rev}:{relative}").stdout

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").stdout.strip()


def make_repo(folder: Path, env: dict[str, str]) -> Repo:
    """A repository with the demo pack below ``packs/`` and an unrelated README, committed."""
    folder.mkdir(parents=True, exist_ok=True)
    repo = Repo(folder, env)
    repo.git("init", "-q", "-b", "main")
    repo.write("packs/demo/pack.yaml", PACK_YAML)
    repo.write(ACTION_PATH, ACTION_YAML)
    repo.write(WORKFLOW_PATH, GOOD_WORKFLOW)
    repo.write("README.md", "# packs\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "--no-verify", "-m", "initial pack")
    return repo
