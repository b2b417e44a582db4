"""Machine-readable output: exactly one JSON object, version 1."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from attune_lint.diagnostics import Diagnostic

if TYPE_CHECKING:
    from attune_lint.run.runner import RunResult

FORMAT_VERSION = 1


def render(diagnostics: list[Diagnostic]) -> str:
    return json.dumps({"version": FORMAT_VERSION, "diagnostics": [d.to_json() for d in diagnostics]},
                      indent=2, ensure_ascii=False)


def render_run(result: RunResult, colour: bool = False) -> str:
    return render(result.diagnostics)
