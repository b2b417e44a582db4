"""The real Attune files of the shared corpus: what the platform rejects is reported at the
right lines; what it accepts gives no error."""
from __future__ import annotations

from pathlib import Path

from attune_lint.diagnostics import Severity
from attune_lint.run.runner import lint


def by_file(result, name: str) -> list[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    return [(d.code, d.line, d.column) for d in result.diagnostics if d.path.endswith(name)]


def test_install_packs_findings_of_section_7_3(corpus_packs: Path) -> None:
    result = lint([corpus_packs / "core"])
    found = by_file(result, "install_packs.yaml")
    # vars as a list of one-key maps (line 54-55)
    assert ("AL202", 55, 3) in found
    # on_success/on_failure written as lists of when/do
    for line in (88, 98, 113, 132, 137, 155):
        assert ("AL202", line, 7) in found, line
    # the decision nested inside do (lines 136-142)
    assert ("AL604", 139, 11) in found
    # silently ignored keys: name, output_schema, metadata
    assert {("AL206", 4, 1), ("AL206", 190, 1), ("AL206", 240, 1)} <= set(found)
    # an action that exists in no copy of the core pack
    assert ("AL506", 148, 13) in found


def test_current_action_linked_pairs_have_no_errors(corpus_packs: Path) -> None:
    result = lint([corpus_packs / "test_pack", corpus_packs / "examples"])
    errors = [d for d in result.diagnostics if d.severity >= Severity.ERROR]
    assert errors == []
    kinds = sorted(t.kind for t in result.workspace.targets)
    assert kinds.count("graph") == 2 and kinds.count("action") == 4


def test_inquiry_pair_is_linked_with_the_action_ref(corpus_packs: Path) -> None:
    result = lint([corpus_packs / "test_pack"])
    (workflow,) = result.workspace.workflows
    assert workflow.ref == "test_pack.inquiry_workflow"
    assert workflow.file.layout == "action-linked"
    assert workflow.action is not None and workflow.action.path.name == "inquiry_workflow.yaml"


def test_corpus_folders_lint_in_place_without_errors(corpus: Path) -> None:
    """The corpus as it is on disk (a pack folder without pack.yaml, loose example files)."""
    result = lint([corpus / "tests" / "fixtures" / "packs" / "test_pack", corpus / "docs" / "examples"])
    assert [d for d in result.diagnostics if d.severity >= Severity.ERROR] == []
    assert len(result.workspace.targets) == 5
