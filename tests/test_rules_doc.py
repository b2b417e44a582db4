"""docs/rules.md is generated from the rule catalog and must be current."""
from __future__ import annotations

import importlib.util

from attune_testkit import REPO


def test_rules_doc_is_current() -> None:
    spec = importlib.util.spec_from_file_location("gen_rules_doc", REPO / "scripts" / "gen_rules_doc.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    current = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == module.render(), "docs/rules.md is stale: run python scripts/gen_rules_doc.py"


def test_public_api_names() -> None:
    import attune_lint

    for name in ("WorkflowLoader", "LoaderConfig", "LoadedWorkflow", "WorkflowFile"):
        assert getattr(attune_lint, name).__name__ == name
