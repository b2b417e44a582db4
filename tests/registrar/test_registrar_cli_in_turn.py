"""``attune-lint register`` loads and registers one pack at a time (dry runs: nothing is
committed, so the packs need no unique names)."""
from __future__ import annotations

import gc
import weakref
from pathlib import Path
from typing import Any

import pytest

psycopg = pytest.importorskip("psycopg")

from attune_lint.cli import main  # noqa: E402
from attune_lint.registrar.registrar import WorkflowRegistrar  # noqa: E402
from registrar_helpers import simple_workflow  # noqa: E402

pytestmark = pytest.mark.db


@pytest.fixture
def handed(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Watches what ``register`` hands the registrar: at each pack, the trees of the packs
    before it must be gone. Returns the workflow refs of each pack, in order."""
    original = WorkflowRegistrar.register_packs_in_turn
    packs_seen: list[list[str]] = []

    def spy(self: WorkflowRegistrar, packs: Any, pack_refs: Any) -> Any:
        trees: list[weakref.ref[Any]] = []

        def watched() -> Any:
            for pack, workflows in packs:
                assert [r for r in trees if r() is not None] == [], "an earlier pack's trees are alive"
                trees.extend(weakref.ref(w.document.root) for w in workflows)
                trees.append(weakref.ref(pack.manifest.root))
                packs_seen.append([w.ref for w in workflows])
                yield pack, workflows
                del pack, workflows
        return original(self, watched(), pack_refs)

    monkeypatch.setattr(WorkflowRegistrar, "register_packs_in_turn", spy)
    return packs_seen


def test_register_hands_over_one_pack_at_a_time(pg_dsn, make_pack, handed, capsys) -> None:
    roots = [make_pack(name, {"workflows/a.yaml": simple_workflow(f"{name}.a"),
                              "workflows/b.yaml": simple_workflow(f"{name}.b")}, folder=f"packs/{name}")
             for name in ("one", "two", "three")]
    was_enabled = gc.isenabled()
    gc.disable()  # reference counting alone frees a pack's trees
    try:
        status = main(["register", "--dry-run", "--db", pg_dsn, str(roots[0].parent)])
    finally:
        if was_enabled:
            gc.enable()
    out = capsys.readouterr().out
    assert status == 0, out
    assert handed == [["one.a", "one.b"], ["three.a", "three.b"], ["two.a", "two.b"]]
    assert "6 workflow(s): 6 created, 0 updated, 0 skipped" in out


def test_same_ref_in_two_packs_is_refused_naming_both_files(pg_dsn, make_pack, handed, capsys) -> None:
    one = make_pack("one", {"workflows/x.yaml": simple_workflow("shared.flow")}, folder="packs/one")
    two = make_pack("two", {"workflows/y.yaml": "# second\n" + simple_workflow("shared.flow")},
                    folder="packs/two")
    # the lint says it too (AL501: not below the pack's ref); registered anyway, the
    # registrar refuses the second file
    assert main(["register", "--dry-run", "--register-invalid", "--db", pg_dsn, str(one.parent)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert [line.split(": error ")[1][:5] for line in out[:2]] == ["AL501", "AL501"]
    assert out[2:] == [
        f"{two / 'workflows' / 'y.yaml'}:2:1: error AL901 workflow ref 'shared.flow' is defined by two "
        "files; the second would overwrite the first",
        f"{one / 'workflows' / 'x.yaml'}:1:1: note: first claimed here",
        "nothing was registered: the transaction was rolled back"]
    assert handed == [["one.x"], ["two.y"]]  # refs as the files give them
