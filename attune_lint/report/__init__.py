"""Reporters: a run in, text out. ``FORMATS`` maps a ``--format`` name to a module whose
``render_run(result, colour) -> str`` renders a whole run."""
from __future__ import annotations

import importlib
from types import ModuleType

FORMATS: dict[str, str] = {
    "text": "attune_lint.report.text",
    "json": "attune_lint.report.json_format",
    "sarif": "attune_lint.report.sarif",
    "github": "attune_lint.report.github",
    "junit": "attune_lint.report.junit",
}


def reporter(name: str) -> ModuleType:
    return importlib.import_module(FORMATS[name])
