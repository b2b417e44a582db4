"""Registering pack by pack (``register_packs_in_turn``, what ``attune-lint register`` does):
one pack's trees at a time, with the rows, results and cross-pack checks of one
``register_packs`` call over all the packs."""
from __future__ import annotations

import gc
import weakref
from pathlib import Path
from typing import Any, Iterator

import pytest

psycopg = pytest.importorskip("psycopg")

from attune_lint.registrar.errors import RegistrationError  # noqa: E402
from attune_lint.registrar.registrar import WorkflowRegistrar  # noqa: E402
from attune_lint.workspace.pack import LoadedWorkflow, Pack  # noqa: E402
from registrar_helpers import load_pack, simple_workflow  # noqa: E402

pytestmark = pytest.mark.db


class Loader:
    """Loads each pack only when the registrar asks for it and checks, at each request,
    that the packs handed over before are gone (no reference left anywhere)."""

    def __init__(self, roots: list[Path], on_request: Any = None) -> None:
        self.roots = roots
        self.handed: list[weakref.ref[Any]] = []
        self.on_request = on_request

    def __iter__(self) -> Iterator[tuple[Pack, list[LoadedWorkflow]]]:
        for root in self.roots:
            alive = [r for r in self.handed if r() is not None]
            assert not alive, f"{len(alive)} tree(s) of registered packs still alive"
            if self.on_request is not None:
                self.on_request()
            pack, workflows = load_pack(root)
            # the manifest's tree and every workflow's tree: what the bound is about
            self.handed += [weakref.ref(pack.manifest.root), *(weakref.ref(w.document.root) for w in workflows)]
            yield pack, workflows
            del pack, workflows


def three_packs(make_pack: Any) -> list[Path]:
    return [make_pack(name, {"workflows/a.yaml": simple_workflow(f"{name}.a"),
                             "workflows/b.yaml": simple_workflow(f"{name}.b")})
            for name in ("one", "two", "three")]


def table(db: Any) -> list[tuple]:
    return db.execute(
        "SELECT p.id, p.ref, wd.id, wd.ref, wd.definition, a.id, a.ref FROM attune.pack p "
        "JOIN attune.workflow_definition wd ON wd.pack = p.id JOIN attune.action a ON a.workflow_def = wd.id "
        "WHERE p.ref IN ('one', 'two', 'three') ORDER BY wd.id").fetchall()


def test_trees_of_a_registered_pack_are_released_before_the_next_is_loaded(db, make_pack) -> None:
    loader = Loader(three_packs(make_pack))
    was_enabled = gc.isenabled()
    gc.disable()  # reference counting alone must free them: no cycle keeps a pack alive
    try:
        results = WorkflowRegistrar(db).register_packs_in_turn(loader, ["one", "two", "three"])
        alive = [r for r in loader.handed if r() is not None]
    finally:
        if was_enabled:
            gc.enable()
    assert not alive
    assert [(r.ref_name, r.status) for r in results] == [
        ("one.a", "created"), ("one.b", "created"), ("two.a", "created"), ("two.b", "created"),
        ("three.a", "created"), ("three.b", "created")]


def test_rows_and_ids_are_those_of_one_register_packs_call(db, make_pack) -> None:
    roots = three_packs(make_pack)
    with db.transaction(force_rollback=True):
        WorkflowRegistrar(db).register_packs([load_pack(root) for root in roots])
        at_once = table(db)
    with db.transaction(force_rollback=True):
        WorkflowRegistrar(db).register_packs_in_turn(Loader(roots), ["one", "two", "three"])
        in_turn = table(db)
    # sequences are not rolled back: compare the ids by their order
    def shape(rows: list[tuple]) -> list[tuple]:
        first = rows[0]
        return [(r[0] - first[0], r[1], r[2] - first[2], r[3], r[4], r[5] - first[5], r[6]) for r in rows]
    assert len(in_turn) == 6
    assert shape(in_turn) == shape(at_once)


def test_every_pack_lock_is_held_before_the_first_pack_is_read(db, make_pack) -> None:
    seen: list[int] = []

    def count_locks() -> None:
        seen.append(db.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                               "AND pid = pg_backend_pid()").fetchone()[0])

    WorkflowRegistrar(db).register_packs_in_turn(Loader(three_packs(make_pack), count_locks),
                                                 ["three", "one", "two"])
    assert seen == [3, 3, 3]


def test_same_ref_in_two_packs_names_both_files_as_one_call_does(db, make_pack) -> None:
    one = make_pack("one", {"workflows/x.yaml": simple_workflow("shared.flow")})
    two = make_pack("two", {"workflows/y.yaml": "# second\n" + simple_workflow("shared.flow")})
    errors = []
    for register in (lambda r: r.register_packs([load_pack(one), load_pack(two)]),
                     lambda r: r.register_packs_in_turn(Loader([one, two]), ["one", "two"])):
        with pytest.raises(RegistrationError) as info:
            register(WorkflowRegistrar(db))
        errors.append(info.value)
    at_once, in_turn = errors
    assert in_turn.message == at_once.message
    assert in_turn.location == at_once.location
    assert in_turn.location.path.endswith("y.yaml") and in_turn.location.line == 2
    assert in_turn.related == at_once.related
    assert [(Path(r.path).name, r.line, r.note) for r in in_turn.related] == [("x.yaml", 1, "first claimed here")]
    assert db.execute("SELECT count(*) FROM attune.pack WHERE ref IN ('one', 'two')").fetchone()[0] == 0
