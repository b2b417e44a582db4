"""Which runs get register items, and the database options (no database is started)."""
from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

WORKFLOW_FILES = [
    "packs/acme/actions/workflows/fleet_health_report.workflow.yaml",
    "packs/acme/actions/workflows/rolling_deploy.workflow.yaml",
    "packs/broken/actions/workflows/deploy.workflow.yaml",
    "packs/broken/workflows/half_written.yaml",
    "packs/broken/workflows/nightly.yaml",
    "packs/broken/workflows/no_version.yaml",
    "packs/legacy_ops/workflows/restart_service.yaml",
    "packs/legacy_ops/workflows/rotate_logs.yaml",
]


def collected(result: pytest.RunResult) -> list[str]:
    return sorted(line.strip() for line in result.outlines if "::" in line and " " not in line.strip())


def test_register_items_with_attune_db_selected_by_their_marker(pytester: pytest.Pytester, packs: Path) -> None:
    result = pytester.runpytest_subprocess("--attune-packs", "--attune-db=auto", "--collect-only", "-q",
                                           "-m", "attune_db", "-p", "no:cacheprovider")
    assert collected(result) == [f"{path}::register" for path in WORKFLOW_FILES]
    # Collecting starts no database: the summary line only appears once one was used.
    assert "attune: database:" not in result.stdout.str()


def test_no_register_item_without_the_option_or_with_off(pytester: pytest.Pytester, packs: Path) -> None:
    result = pytester.runpytest_subprocess("--attune-packs", "--collect-only", "-q", "-p", "no:cacheprovider")
    ids = collected(result)
    assert [i for i in ids if i.endswith("::register")] == []
    assert f"{WORKFLOW_FILES[0]}::validate" in ids
    # The ini switches it on for every run; --attune-db=off switches it off again.
    pytester.makeini("[pytest]\nattune_db = auto\n")
    on = pytester.runpytest_subprocess("--attune-packs", "--collect-only", "-q", "-p", "no:cacheprovider")
    assert [i for i in collected(on) if i.endswith("::register")] == [f"{p}::register" for p in WORKFLOW_FILES]
    off = pytester.runpytest_subprocess("--attune-packs", "--attune-db=off", "--collect-only", "-q",
                                        "-p", "no:cacheprovider")
    assert collected(off) == ids


def test_attune_db_alone_collects_no_pack(pytester: pytest.Pytester, packs: Path) -> None:
    # --attune-db chooses the database (for the fixtures too); the pack checks stay off.
    result = pytester.runpytest_subprocess("--attune-db=require", "--collect-only", "-q", "-p", "no:cacheprovider")
    assert collected(result) == []


def test_unknown_network_is_a_usage_error(pytester: pytest.Pytester, packs: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    result = pytester.runpytest_subprocess("--attune-packs", "--attune-db=auto", "--attune-pg-network=overlay")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--attune-pg-network: invalid choice: 'overlay'*"])
    # The environment default is checked as strictly as the option.
    monkeypatch.setenv("ATTUNE_PG_NETWORK", "overlay")
    from_env = pytester.runpytest_subprocess("--attune-packs", "--attune-db=auto")
    assert from_env.ret == pytest.ExitCode.USAGE_ERROR
    from_env.stderr.fnmatch_lines(["*ATTUNE_PG_NETWORK='overlay': use one of bridge, host*"])
    # A run without the database stage does not care (the plugin loads in every run).
    unrelated = pytester.runpytest_subprocess("--attune-packs", "--collect-only", "-q", "packs/acme")
    assert unrelated.ret == pytest.ExitCode.OK
