"""The plugin's lines in the terminal: the outcomes of the Attune items and the summary
(``AttuneReporter``), and the database lines (``AttuneDbReporter``).

Each is registered per run (on the run's plugin manager), the first only when the checks
are on, the second only when ``--attune-db`` is. ``AttuneReporter`` reads outcomes from
test reports, not from items, because on the xdist controller the reports, with their
``user_properties``, are all there is.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from pytest_attune.collection import AttuneSession
from pytest_attune.options import OFF

if TYPE_CHECKING:
    from pytest_attune.database import AttuneDatabase


class Facts:
    """What the summary needs of one reported item; one per item of the session, so a
    slotted record (no per-item dict), with no list when there is no warning."""

    __slots__ = ("kind", "pack", "outcome", "warnings")

    def __init__(self) -> None:
        self.kind = ""
        self.pack = ""
        self.outcome = "passed"
        self.warnings: tuple[str, ...] = ()


class AttuneReporter:
    def __init__(self, state: AttuneSession) -> None:
        self.state = state
        self.reported: dict[str, Facts] = {}  # by nodeid

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        """xdist controller: count our items as a worker collected them (the controller
        collects nothing itself); used to say why nothing ran."""
        # Here rather than at module level: this module loads in every pytest run.
        from attune_lint.workspace.discovery import YAML_SUFFIXES

        ours = sum(1 for nodeid in ids if nodeid.split("::")[0].endswith(YAML_SUFFIXES))
        self.state.collected = max(self.state.collected, ours)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call" and report.passed:
            return
        props = [(str(key), value) for key, value in report.user_properties]
        kinds = [value for key, value in props if key == "attune_kind"]
        if not kinds:
            return
        facts = self.reported.get(report.nodeid)
        if facts is None:
            facts = self.reported[report.nodeid] = Facts()
        facts.kind = kinds[0]
        facts.pack = next((value for key, value in props if key == "attune_pack"), "")
        if report.failed:
            facts.outcome = "failed"
        elif report.when == "call" or report.skipped:
            facts.outcome = report.outcome
        facts.warnings = tuple(str(value) for key, value in props if key == "attune_warning")

    def pytest_terminal_summary(self, terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
        if hasattr(config, "workerinput") or config.option.collectonly:
            return
        terminalreporter.section("attune-lint")
        for facts in self.reported.values():
            for text in facts.warnings:
                terminalreporter.write_line(text)
        if self.state.settings_note:
            terminalreporter.write_line(f"attune: {self.state.settings_note}")
        if not self.reported:
            terminalreporter.write_line(f"attune: no workflow checked: {self.state.why_nothing()}")
            return
        terminalreporter.write_line(summary_line(self.reported))


def summary_line(reported: dict[str, Facts]) -> str:
    """``attune: N packs, M workflows checked, K failed, W warnings`` (K counts failed
    items: workflow files and pack.yaml)."""
    packs = {facts.pack for facts in reported.values()}
    # a workflow file may have several items (validate, register): count files
    workflows = len({nodeid.split("::")[0] for nodeid, facts in reported.items() if facts.kind == "workflow"})
    failed = sum(1 for facts in reported.values() if facts.outcome == "failed")
    warnings = sum(len(facts.warnings) for facts in reported.values())
    return (f"attune: {_count(len(packs), 'pack')}, {_count(workflows, 'workflow')} checked, "
            f"{failed} failed, {_count(warnings, 'warning')}")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class AttuneDbReporter:
    """Header and summary lines about the database (registered when --attune-db is on)."""

    def __init__(self, database: AttuneDatabase) -> None:
        self.database = database

    def pytest_report_header(self, config: pytest.Config) -> str:
        setting = self.database.setting or OFF
        if setting in ("auto", "require"):
            return f"attune: database {setting} (started on first use, once per process)"
        return "attune: database at the DSN given (connected on first use)"

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.database.provisioned is not None:
            terminalreporter.write_line(f"attune: database: {self.database.describe()}")
