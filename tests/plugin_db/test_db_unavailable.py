"""No database: ``auto`` skips the register items with every reason, ``require`` fails
them, an unreachable DSN fails them (never a fall-through). No server is started here.

A machine without PostgreSQL is simulated in the pytester folder's conftest: the Docker
engine "answers" but its container start fails naming the image and network it was
given (which also shows the --attune-pg-* options reach the container backend), and the
local cluster's binaries are not found (provisioning also searches
/usr/lib/postgresql/*/bin, which PATH cannot hide).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from plugin_db_kit import closed_port, read_outcomes

pytest_plugins = ["pytester"]
pytest.importorskip("psycopg")

NO_POSTGRES_CONFTEST = '''
from attune_lint.registrar import containers, local_cluster


def _engine_answers():
    return None


def _start(settings):
    raise RuntimeError(f"test engine: cannot run image {settings.image} on network {settings.network}")


def _no_binaries():
    return None, ["initdb and pg_ctl hidden by the test"]


containers.docker_unavailable_reason = _engine_answers
containers.start_postgres_container = _start
local_cluster.find_bindir = _no_binaries
'''

USER_TEST = '''
def test_needs_a_database(attune_db):
    raise AssertionError("never reached without a database")
'''

REGISTER_IDS = [
    "packs/acme/actions/workflows/fleet_health_report.workflow.yaml::register",
    "packs/acme/actions/workflows/rolling_deploy.workflow.yaml::register",
]


@pytest.fixture
def no_postgres(pytester: pytest.Pytester, packs: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("ATTUNE_TEST_DSN", raising=False)
    monkeypatch.delenv("ATTUNE_PG_IMAGE", raising=False)
    monkeypatch.delenv("ATTUNE_PG_NETWORK", raising=False)
    conftest = pytester.path / "conftest.py"
    conftest.write_text(conftest.read_text(encoding="utf-8") + NO_POSTGRES_CONFTEST, encoding="utf-8")
    pytester.makepyfile(test_user=USER_TEST)
    return packs


def test_auto_skips_with_every_reason(pytester: pytest.Pytester, no_postgres: Path) -> None:
    result = pytester.runpytest_subprocess("--attune-packs", "--attune-db=auto", "-p", "no:cacheprovider",
                                           "--attune-pg-image", "registry.example/pg:15", "--attune-pg-network",
                                           "host", "packs/acme", "test_user.py")
    outcomes = read_outcomes(pytester.path)
    reasons = ("no DSN given (--db DSN or ATTUNE_TEST_DSN); docker: the PostgreSQL container did not start: "
               "test engine: cannot run image registry.example/pg:15 on network host; "
               "local cluster: PostgreSQL server programs not found: initdb and pg_ctl hidden by the test")
    for nodeid in REGISTER_IDS:
        assert outcomes[nodeid] == {"outcome": "skipped",
                                    "text": f"no database to register into: no database: {reasons}"}
        assert outcomes[nodeid.replace("::register", "::validate")]["outcome"] == "passed"
    assert outcomes["test_user.py::test_needs_a_database"] == {"outcome": "skipped",
                                                               "text": f"no database: no database: {reasons}"}
    assert result.ret == pytest.ExitCode.OK
    assert "attune: database: no database: " in result.stdout.str()


def test_require_fails_with_every_reason(pytester: pytest.Pytester, no_postgres: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # Image and network from the environment when the options are not given.
    monkeypatch.setenv("ATTUNE_PG_IMAGE", "mirror.example/postgres:15.8")
    monkeypatch.setenv("ATTUNE_PG_NETWORK", "bridge")
    pytester.makeini("[pytest]\nattune_db = require\n")
    result = pytester.runpytest_subprocess("--attune-packs", "-p", "no:cacheprovider", "packs/acme", "test_user.py")
    outcomes = read_outcomes(pytester.path)
    reasons = ["no DSN given (--db DSN or ATTUNE_TEST_DSN)",
               "docker: the PostgreSQL container did not start: test engine: cannot run image "
               "mirror.example/postgres:15.8 on network bridge",
               "local cluster: PostgreSQL server programs not found: initdb and pg_ctl hidden by the test"]
    listed = "no PostgreSQL database available:\n" + "\n".join(f"  - {r}" for r in reasons)
    for nodeid in REGISTER_IDS:
        assert outcomes[nodeid] == {"outcome": "failed", "text": f"attune: no database to register into: {listed}"}
    user = outcomes["test_user.py::test_needs_a_database"]
    assert user["outcome"] == "error", user  # the fixture fails, in setup
    assert user["text"] == f"attune: no database: {listed}"
    assert "never reached" not in user["text"]
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_an_unreachable_dsn_fails_even_in_auto_mode(pytester: pytest.Pytester, packs: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    port = closed_port()
    # ATTUNE_TEST_DSN is an explicit DSN: it never falls through to another backend.
    monkeypatch.setenv("ATTUNE_TEST_DSN", f"postgresql://attune:s3cret@127.0.0.1:{port}/attune")
    result = pytester.runpytest_subprocess("--attune-packs", "--attune-db=auto", "-p", "no:cacheprovider",
                                           "packs/acme")
    outcomes = read_outcomes(pytester.path)
    for nodeid in REGISTER_IDS:
        facts = outcomes[nodeid]
        assert facts["outcome"] == "failed", facts
        assert facts["text"].startswith("attune: no database to register into: cannot connect to the "
                                        f"PostgreSQL server at 127.0.0.1:{port}/attune as attune: "), facts
    assert "s3cret" not in result.stdout.str() + result.stderr.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
