"""Helpers for the database tests of the pytest plugin: a recorder conftest for the
pytester folder, reading what it recorded, and the skip logic for "no database here"."""
from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "packs"
MODE_ENV = "ATTUNE_TEST_DB_MODE"
NO_DATABASE = "no database to register into: "

# Installed plugins unrelated to ours that cost over a second of start-up per run.
QUIET_PLUGINS = ("-p", "no:hypothesispytest", "-p", "no:benchmark")

# A conftest for the pytester folder: it writes every test's outcome and failure or skip
# text to outcomes.json (on the xdist controller, which receives every worker's reports).
RECORDER = '''
import json

_OUTCOMES = {}


def pytest_runtest_logreport(report):
    facts = _OUTCOMES.setdefault(report.nodeid, {"outcome": "passed", "text": ""})
    if report.skipped:
        facts["outcome"] = "skipped"
        longrepr = report.longrepr
        text = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        facts["text"] = text[len("Skipped: "):] if text.startswith("Skipped: ") else text
    elif report.failed:
        facts["outcome"] = "failed" if report.when == "call" else "error"
        facts["text"] = report.longreprtext


def pytest_sessionfinish(session):
    if not hasattr(session.config, "workerinput"):
        with open("outcomes.json", "w", encoding="utf-8") as out:
            json.dump(_OUTCOMES, out)
'''


def read_outcomes(folder: Path) -> dict[str, dict[str, str]]:
    """``{nodeid: {"outcome": passed|failed|error|skipped, "text": ...}}`` of the last run."""
    return json.loads((folder / "outcomes.json").read_text(encoding="utf-8"))


def db_mode() -> str:
    """``ATTUNE_TEST_DB_MODE`` (CI sets ``require``: a missing database fails there)."""
    mode = os.environ.get(MODE_ENV, "auto").strip() or "auto"
    if mode not in ("auto", "require"):
        pytest.fail(f"{MODE_ENV} must be 'auto' or 'require', not {mode!r}")
    return mode


def need_database(outcomes: dict[str, dict[str, str]]) -> None:
    """Skip the calling test when the run had no database (fail in require mode).

    The run itself tells: its register items are skipped with the provisioning's
    reasons. Any other outcome is for the test to judge.
    """
    register = [facts for nodeid, facts in outcomes.items() if nodeid.endswith("::register")]
    if not register:
        pytest.fail(f"no register item ran: {sorted(outcomes)}")
    missing = [facts["text"] for facts in register if facts["text"].startswith(NO_DATABASE)]
    if missing:
        reason = missing[0]
        if db_mode() == "require":
            pytest.fail(f"{MODE_ENV}=require but the run had no database: {reason}")
        pytest.skip(reason)


def closed_port() -> int:
    """A loopback TCP port nobody listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
