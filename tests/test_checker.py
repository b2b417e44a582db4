"""The checker: a failing check costs one finding, never the run."""
from __future__ import annotations

from pathlib import Path

import pytest

from attune_testkit import lint_pack

from attune_lint.check import checker


def test_a_check_that_raises_becomes_a_finding_and_the_others_still_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = next(m for m in checker._modules() if m.__name__.endswith(".graph"))

    def explode(ctx: object) -> list[object]:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(broken, "check", explode)
    result = lint_pack(tmp_path, {"workflows/w.yaml": (
        'ref: acme.w\nlabel: W\nversion: "1.0.0"\ntasks:\n'
        "  - name: a\n    action: core.echo\n    bogus: 1\n")})
    found = [(d.path.rsplit("/", 1)[-1], d.code, d.line, d.column) for d in result.diagnostics]
    assert ("w.yaml", "AL990", 1, 1) in found  # the failing graph checks, on their file
    assert ("w.yaml", "AL201", 7, 5) in found  # the structure checks still ran
    internal = next(d for d in result.diagnostics if d.code == "AL990")
    assert "graph checks: ZeroDivisionError: boom" in internal.message


def test_a_reader_failure_becomes_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from attune_lint.document import reader

    def explode(data: bytes, shown: str) -> object:
        raise MemoryError("simulated")

    monkeypatch.setattr(reader, "load_yaml_bytes", explode)
    result = lint_pack(tmp_path, {"workflows/w.yaml": "tasks: []\n"})
    assert {d.code for d in result.diagnostics} == {"AL990"}
    assert all("MemoryError: simulated" in d.message for d in result.diagnostics)
