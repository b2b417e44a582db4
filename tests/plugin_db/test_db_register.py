"""Register items and database fixtures on a real PostgreSQL.

Each run below starts its own database (a local cluster, a container, or the server of
``ATTUNE_TEST_DSN``), so there are only three of them. Without a database they skip,
unless ``ATTUNE_TEST_DB_MODE=require`` (CI), where they fail.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from plugin_db_kit import need_database, read_outcomes

pytest_plugins = ["pytester"]
psycopg = pytest.importorskip("psycopg")

VALID = [
    "packs/acme/actions/workflows/fleet_health_report.workflow.yaml",
    "packs/acme/actions/workflows/rolling_deploy.workflow.yaml",
    "packs/legacy_ops/workflows/restart_service.yaml",
    "packs/legacy_ops/workflows/rotate_logs.yaml",
]
INVALID = {  # each file's first error, as the registrar's refusal names it
    "packs/broken/actions/workflows/deploy.workflow.yaml": "packs/broken/actions/workflows/deploy.workflow.yaml:",
    "packs/broken/workflows/half_written.yaml": "packs/broken/workflows/half_written.yaml:10:4: AL101 ",
    "packs/broken/workflows/nightly.yaml": "packs/broken/workflows/nightly.yaml:12:7: AL202 ",
    "packs/broken/workflows/no_version.yaml": "packs/broken/workflows/no_version.yaml:1:1: AL203 ",
}

USER_TESTS = '''
import psycopg
import pytest
from attune_lint.registrar import normalize

OURS = ("acme", "legacy_ops")


def test_dsn_has_the_schema(attune_db_dsn):
    with psycopg.connect(attune_db_dsn) as conn:
        assert conn.execute("SELECT to_regclass('attune.workflow_definition')").fetchone()[0] is not None
    with open("dsn.txt", "w", encoding="utf-8") as out:  # for the check that it is stopped
        out.write(attune_db_dsn)


def test_registrar_writes_inside_the_transaction(attune_registrar, attune_db, attune_packs):
    acme = next(p for p in attune_packs.packs if p.ref == "acme")
    workflows = [w for w in attune_packs.workflows.values() if w.pack is not None and w.pack.ref == "acme"]
    results = attune_registrar.register_pack(acme, workflows)
    assert sorted((r.ref_name, r.status) for r in results) == [
        ("acme.fleet_health_report", "created"), ("acme.rolling_deploy", "created")]
    assert attune_registrar.conn is attune_db
    row = attune_db.execute(
        "SELECT definition, version FROM attune.workflow_definition WHERE ref = %s",
        ("acme.rolling_deploy",)).fetchone()
    expected = normalize.stored_workflow(attune_packs.workflow("acme.rolling_deploy"))
    assert row == (expected.definition, expected.version)


def test_nothing_stays_behind(attune_db):
    # Runs after the register items (packs/ sorts first) and after the test above.
    left = attune_db.execute(
        "SELECT count(*) FROM attune.workflow_definition WHERE pack_ref = ANY(%s)", (list(OURS),)).fetchone()[0]
    assert left == 0
    assert attune_db.execute("SELECT count(*) FROM attune.pack WHERE ref = ANY(%s)", (list(OURS),)).fetchone()[0] == 0


def test_commit_is_refused(attune_db):
    with pytest.raises(psycopg.ProgrammingError):
        attune_db.commit()
'''

# Corrupts the expectation of two workflows, not what the registrar writes (it holds its
# own reference to stored_workflow, taken before the patch), so their register items must
# fail.
CORRUPTING_CONFTEST = '''
import attune_lint.registrar.registrar  # binds the real stored_workflow before the patch below
from attune_lint.registrar import normalize

_real = normalize.stored_workflow


def _corrupted(loaded, pack_ref=None):
    stored = _real(loaded, pack_ref)
    if stored.ref == "acme.rolling_deploy":
        stored.definition["tasks"][0]["name"] = "renamed_by_the_test"
    if stored.ref == "legacy_ops.rotate_logs":
        stored.version = "9.9.9"
    return stored


normalize.stored_workflow = _corrupted


# What the registrar writes for one workflow: a version longer than the column allows,
# which the database refuses.
def _too_long(loaded, pack_ref=None):
    stored = _real(loaded, pack_ref)
    if stored.ref == "legacy_ops.restart_service":
        stored.version = "9" * 51
    return stored


attune_lint.registrar.registrar.stored_workflow = _too_long
'''


def test_register_items_pass_and_fixtures_work(pytester: pytest.Pytester, packs: Path) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("--attune-packs", "--attune-db=auto", "-p", "no:cacheprovider")
    outcomes = read_outcomes(pytester.path)
    need_database(outcomes)
    for path in VALID:
        assert outcomes[f"{path}::register"] == {"outcome": "passed", "text": ""}, path
        assert outcomes[f"{path}::validate"]["outcome"] == "passed", path
    # skip_invalid: the registrar refuses a file with lint errors; the item is skipped
    # with its reason (the validate item fails for the errors themselves).
    for path, first_error in INVALID.items():
        facts = outcomes[f"{path}::register"]
        assert facts["outcome"] == "skipped", (path, facts)
        assert facts["text"].startswith("not registered (skip_invalid): "), facts
        assert first_error in facts["text"], facts
        assert outcomes[f"{path}::validate"]["outcome"] == "failed", path
    for name in ("test_dsn_has_the_schema", "test_registrar_writes_inside_the_transaction",
                 "test_nothing_stays_behind", "test_commit_is_refused"):
        assert outcomes[f"test_user.py::{name}"]["outcome"] == "passed", outcomes[f"test_user.py::{name}"]
    result.stdout.fnmatch_lines(["attune: database auto (started on first use, once per process)"])
    result.stdout.fnmatch_lines(["attune: database: *"])
    # each workflow file counts once, though it has a validate and a register item
    workflow_files = {nodeid.split("::")[0] for nodeid in outcomes if nodeid.endswith("::register")}
    result.stdout.fnmatch_lines([f"attune: * packs, {len(workflow_files)} workflows checked, *"])
    if not os.environ.get("ATTUNE_TEST_DSN"):
        # The throwaway server the run started is gone with the run.
        dsn = (pytester.path / "dsn.txt").read_text(encoding="utf-8")
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(dsn, connect_timeout=3).close()


def test_a_stored_row_unlike_the_model_or_a_refusal_fails(pytester: pytest.Pytester, packs: Path) -> None:
    (pytester.path / "conftest.py").write_text(
        (pytester.path / "conftest.py").read_text(encoding="utf-8") + CORRUPTING_CONFTEST, encoding="utf-8")
    pytester.runpytest_subprocess("--attune-packs", "--attune-db=auto", "-p", "no:cacheprovider",
                                  "packs/acme", "packs/legacy_ops")
    outcomes = read_outcomes(pytester.path)
    need_database(outcomes)
    # What the files say (and the database therefore holds).
    first_task = yaml.safe_load((packs / "acme/actions/workflows/rolling_deploy.workflow.yaml").read_text())["tasks"][0]
    version = yaml.safe_load((packs / "legacy_ops/workflows/rotate_logs.yaml").read_text())["version"]
    deploy = outcomes["packs/acme/actions/workflows/rolling_deploy.workflow.yaml::register"]
    assert deploy["outcome"] == "failed", deploy
    assert deploy["text"].splitlines() == [
        "acme.rolling_deploy: the stored definition differs from the normalised model:",
        f"  definition.tasks[0].name: stored {first_task['name']!r}, expected 'renamed_by_the_test'",
    ]
    rotate = outcomes["packs/legacy_ops/workflows/rotate_logs.yaml::register"]
    assert rotate["outcome"] == "failed", rotate
    assert rotate["text"].splitlines() == [f"legacy_ops.rotate_logs: stored version {version!r}, expected '9.9.9'"]
    # A refusal is reported at the key whose value was refused.
    restart = outcomes["packs/legacy_ops/workflows/restart_service.yaml::register"]
    assert restart["outcome"] == "failed", restart
    lines = (packs / "legacy_ops/workflows/restart_service.yaml").read_text().splitlines()
    version_line = next(n for n, line in enumerate(lines, 1) if line.startswith("version:"))
    assert restart["text"].splitlines()[:3] == [
        "the database refused the registration:",
        f"packs/legacy_ops/workflows/restart_service.yaml:{version_line}:1: error AL901 "
        "'legacy_ops.restart_service': version is 51 characters; the workflow_definition.version "
        "column holds at most 50",
        # the snippet: a line no lint finding points at, read from the pack loaded to register
        f" {version_line} | {lines[version_line - 1]}",
    ]
    fleet = outcomes["packs/acme/actions/workflows/fleet_health_report.workflow.yaml::register"]
    assert fleet == {"outcome": "passed", "text": ""}


def test_xdist_workers_each_register(pytester: pytest.Pytester, packs: Path) -> None:
    pytest.importorskip("xdist")
    pytester.makepyfile(test_user=USER_TESTS.replace("def test_nothing_stays_behind", "def _unordered"))
    result = pytester.runpytest_subprocess("--attune-packs", "--attune-db=auto", "-p", "no:cacheprovider",
                                           "-n", "2", "packs/acme", "packs/legacy_ops", "test_user.py")
    outcomes = read_outcomes(pytester.path)
    need_database(outcomes)
    assert "Different tests were collected" not in result.stdout.str()
    expected = {f"{path}::{kind}" for path in VALID for kind in ("validate", "register")}
    expected |= {"packs/acme/pack.yaml::validate", "packs/legacy_ops/pack.yaml::validate",
                 "test_user.py::test_dsn_has_the_schema", "test_user.py::test_registrar_writes_inside_the_transaction",
                 "test_user.py::test_commit_is_refused"}
    assert {nodeid: facts["outcome"] for nodeid, facts in outcomes.items()} == dict.fromkeys(expected, "passed")
