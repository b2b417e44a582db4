"""attune-lint: validation toolkit for Attune packs.

The public names are imported lazily, so ``import attune_lint`` (and the CLI) stays cheap,
and the registrar's database driver is only imported when the registrar is used.
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "LoaderConfig": "attune_lint.workspace.pack",
    "LoadedWorkflow": "attune_lint.workspace.pack",
    "WorkflowFile": "attune_lint.workspace.pack",
    "WorkflowLoader": "attune_lint.run.workflow_loader",
    "Diagnostic": "attune_lint.diagnostics",
    "Severity": "attune_lint.diagnostics",
    "lint": "attune_lint.run.runner",
    "WorkflowRegistrar": "attune_lint.registrar",
    "RegistrationOptions": "attune_lint.registrar",
    "RegistrationResult": "attune_lint.registrar",
}
__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'attune_lint' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
