"""How a run executes: one entry, ``lint``, that chooses serial, parallel or cached work."""
from attune_lint.run.runner import RunResult, lint

__all__ = ["RunResult", "lint"]
