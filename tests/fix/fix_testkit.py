"""Helpers for the fix tests: a pack ``acme`` with one workflow, fixed in place."""
from __future__ import annotations

import textwrap
from pathlib import Path

from attune_testkit import PACK_YAML, write_files

WORKFLOW = "acme/workflows/deploy.yaml"


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def fix_text(tmp_path: Path, text: str, *, unsafe: bool = False, relative: str = WORKFLOW,
             extra: dict[str, str] | None = None, select: tuple[str, ...] = ()) -> str:
    """Write ``text`` as ``relative`` in a pack, fix the pack, return the file's new text."""
    from dataclasses import replace

    from attune_lint.fix.engine import run_fixes, write
    from attune_lint.settings.record import Settings

    files = {"acme/pack.yaml": PACK_YAML, relative: dedent(text), **(extra or {})}
    write_files(tmp_path, files)
    settings = Settings()
    if select:
        settings = replace(settings, select=select)
    outcome = run_fixes([tmp_path / "acme"], settings, unsafe=unsafe)
    assert not write(outcome)
    return (tmp_path / relative).read_bytes().decode("utf-8")
