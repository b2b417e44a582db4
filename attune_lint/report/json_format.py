"""Machine-readable output: exactly one JSON object, version 1."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from attune_lint.diagnostics import Diagnostic

if TYPE_CHECKING:
    from attune_lint.run.runner import RunResult

FORMAT_VERSION = 1


def render(diagnostics: list[Diagnostic], fixes: dict[int, Any] | None = None) -> str:
    """``fixes`` (index in ``diagnostics`` → fix) adds each finding's ``fix``: applicability,
    description and edits (1-based range, end exclusive, and the replacement text), or null."""
    entries = []
    for number, diagnostic in enumerate(diagnostics):
        entry = diagnostic.to_json()
        if fixes is not None:
            fix = fixes.get(number)
            entry["fix"] = fix.to_json() if fix is not None else None
        entries.append(entry)
    return json.dumps({"version": FORMAT_VERSION, "diagnostics": entries}, indent=2, ensure_ascii=False)


def render_run(result: RunResult, colour: bool = False) -> str:
    from attune_lint.fix.engine import finding_fixes

    return render(result.diagnostics, finding_fixes(result))
