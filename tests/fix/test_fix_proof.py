"""Proof that the migration changes nothing the platform would run, and that fixing is stable.

* The registrar's normalisation (``registrar.normalize.stored_workflow``: what the platform
  stores in ``workflow_definition.definition``) of every workflow is the same before and after
  ``fix`` migrates legacy transitions, over the example packs, the real corpus and a seeded
  generated corpus full of legacy fields. Nothing is registered into a database.
* Fixing twice changes nothing the second time.
* Seeded random mutations: ``fix`` never turns a loadable file into a YAML error or adds an
  error finding (counted by rule), and leaves unloadable files byte-identical.
"""
from __future__ import annotations

import random
import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from attune_lint.check.workflow_view import LEGACY_TASK_KEYS
from attune_lint.fix.engine import run_fixes, write
from attune_lint.registrar.normalize import stored_workflow
from attune_lint.run.runner import lint
from attune_lint.settings.record import Settings
from attune_testkit import EXAMPLES
from legacy_generator import generate

MIGRATION = replace(Settings(), select=("AL310",))


def _definitions(root: Path) -> dict[str, dict]:
    result = lint([root], Settings())
    return {str(w.file.path.relative_to(root)): stored_workflow(w).definition for w in result.workspace.workflows}


def _legacy_count(root: Path) -> int:
    return sum(1 for d in lint([root], Settings()).diagnostics if d.code == "AL310")


def _texts(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _migrate_and_compare(root: Path) -> int:
    before = _definitions(root)
    legacy_before = _legacy_count(root)
    outcome = run_fixes([root], MIGRATION)
    assert not write(outcome)
    after = _definitions(root)
    assert after.keys() == before.keys()
    for name in before:
        assert after[name] == before[name], name
    assert _legacy_count(root) <= legacy_before
    return len(outcome.changed)


def test_migrating_the_example_packs_keeps_every_stored_definition(tmp_path: Path) -> None:
    root = tmp_path / "packs"
    shutil.copytree(EXAMPLES, root)
    _migrate_and_compare(root)
    assert _legacy_count(root) == 0


def test_migrating_the_corpus_keeps_every_stored_definition(corpus_packs: Path) -> None:
    install = corpus_packs / "core" / "workflows" / "install_packs.yaml"
    original = install.read_text(encoding="utf-8")
    assert "on_success" in original or "on_failure" in original or "publish" in original
    _migrate_and_compare(corpus_packs)
    fixed = install.read_text(encoding="utf-8")
    assert fixed != original
    # every comment line of the file is still there
    comments = Counter(line.strip() for line in original.splitlines() if line.strip().startswith("#"))
    assert comments - Counter(line.strip() for line in fixed.splitlines() if line.strip().startswith("#")) == Counter()


@pytest.mark.parametrize("seed", range(6))
def test_migrating_a_generated_legacy_corpus_keeps_every_stored_definition(tmp_path: Path, seed: int) -> None:
    pack = generate(tmp_path, seed)
    before_comments = {p: Counter(line.split("#", 1)[1] for line in p.read_text().splitlines() if "#" in line)
                       for p in pack.rglob("*.yaml")}
    assert _migrate_and_compare(tmp_path) > 0
    # only sub-sub-tasks keep legacy fields (the platform does not convert them either)
    for workflow in lint([tmp_path], Settings()).workspace.workflows:
        for task in workflow.definition.get("tasks") or []:
            for sub in [task, *(task.get("tasks") or [])]:
                assert not set(sub) & set(LEGACY_TASK_KEYS), (workflow.file.path, sub["name"])
    for path, comments in before_comments.items():
        after = Counter(line.split("#", 1)[1] for line in path.read_text().splitlines() if "#" in line)
        assert after == comments, path


def _fix_all(root: Path) -> int:
    outcome = run_fixes([root], Settings(), unsafe=True)
    assert not write(outcome)
    return len(outcome.changed)


@pytest.mark.parametrize("source", ["examples", "corpus", "generated"])
def test_fixing_twice_changes_nothing_the_second_time(tmp_path: Path, source: str, request: pytest.FixtureRequest) -> None:
    if source == "examples":
        root = tmp_path / "packs"
        shutil.copytree(EXAMPLES, root)
    elif source == "corpus":
        root = request.getfixturevalue("corpus_packs")
    else:
        root = tmp_path / "gen"
        generate(root, 99)
    assert _fix_all(root) > 0
    texts = _texts(root)
    assert _fix_all(root) == 0
    assert _texts(root) == texts


def _per_file(result) -> dict[str, tuple[bool, Counter]]:  # type: ignore[no-untyped-def]
    loadable = {t.display: t.document.mapping is not None and not any(
        f.severity.label == "error" for f in t.document.findings) for t in result.workspace.targets}
    errors: dict[str, Counter] = {}
    for d in result.diagnostics:
        if d.severity.label == "error":
            errors.setdefault(d.path, Counter())[d.code] += 1
    return {path: (ok, errors.get(path, Counter())) for path, ok in loadable.items()}


@pytest.mark.parametrize("seed", range(25))
def test_fix_never_makes_a_mutated_file_worse(tmp_path: Path, seed: int) -> None:
    from test_mutations_never_crash import mutate

    rng = random.Random(seed)
    root = tmp_path / "packs"
    shutil.copytree(EXAMPLES, root)
    generate(root, seed, count=4)
    files = sorted(root.rglob("*.yaml"))
    for path in rng.sample(files, 4):
        mutate(path, rng)
    before = _per_file(lint([root], Settings()))
    texts = _texts(root)
    outcome = run_fixes([root], Settings(), unsafe=bool(seed % 2))
    assert not write(outcome)
    after = _per_file(lint([root], Settings()))
    for path, (loadable, errors) in before.items():
        now_loadable, now_errors = after[path]
        if loadable:
            assert now_loadable, path
            assert not (now_errors - errors), (path, now_errors - errors)
        else:
            assert Path(path).read_bytes() == texts[Path(path)], path
