"""Helpers shared by the test modules (importable as ``attune_testkit``)."""
from __future__ import annotations

import os
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "packs"
# The shared corpus of real Attune files lies beside the repository (../shared/corpus);
# ATTUNE_CORPUS points elsewhere when it does not.
CORPUS = Path(os.environ.get("ATTUNE_CORPUS", REPO.parent / "shared" / "corpus")) / "attune"


def write_files(root: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: text}`` below ``root`` (text dedented) and return root."""
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root
