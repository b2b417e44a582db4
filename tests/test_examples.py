"""The example packs: the valid ones are clean, every marked mistake is found, and nothing else."""
from __future__ import annotations

import re

from attune_lint.run.runner import lint
from attune_testkit import EXAMPLES

MARK = re.compile(r"#\s*mistake:")


def test_valid_examples_have_no_findings_at_all() -> None:
    result = lint([EXAMPLES / "acme", EXAMPLES / "legacy_ops"])
    assert result.diagnostics == []
    assert len(result.workspace.workflows) >= 4


def test_every_marked_mistake_is_found_and_nothing_else() -> None:
    result = lint([EXAMPLES / "broken"])
    marked = set()
    for target in result.workspace.targets:
        for number, line in enumerate(target.path.read_text(encoding="utf-8").splitlines(), start=1):
            if MARK.search(line) and not line.lstrip().startswith("#"):
                marked.add((target.display, number))
    found = {(d.path, d.line) for d in result.diagnostics}
    assert marked, "the broken pack has no marked mistakes"
    assert marked - found == set(), "marked mistakes not reported"
    assert found - marked == set(), "findings on lines not marked as mistakes"
    assert result.failed
