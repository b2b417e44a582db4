"""Registrations that commit, against each other (several connections and processes).

These tests cannot run inside one rolled-back transaction: they use packs with unique
names and delete them (with everything that cascades) at the end.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

import pytest

psycopg = pytest.importorskip("psycopg")

from attune_lint.registrar.errors import RegistrationError  # noqa: E402
from attune_lint.registrar.registrar import WorkflowRegistrar  # noqa: E402
from registrar_helpers import load_pack, simple_workflow  # noqa: E402

pytestmark = pytest.mark.db

WORKER = textwrap.dedent("""
    import os, sys, time
    import psycopg
    from attune_lint.workspace.workspace import load_paths
    from attune_lint.registrar.registrar import WorkflowRegistrar

    dsn, root, ready, go = sys.argv[1:]
    workspace = load_paths([root])
    with psycopg.connect(dsn) as conn:
        conn.execute("SELECT 1")
        conn.commit()
        open(ready, "w").close()
        deadline = time.monotonic() + 30
        while not os.path.exists(go) and time.monotonic() < deadline:
            time.sleep(0.002)
        results = WorkflowRegistrar(conn).register_pack(workspace.packs[0], workspace.workflows)
    print(sorted(r.status for r in results))
""")


@pytest.fixture
def committed(pg_dsn: str):
    """A committing connection, and pack refs to delete afterwards."""
    to_delete: list[str] = []
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        yield conn, to_delete
        for ref in to_delete:
            conn.execute("DELETE FROM attune.pack WHERE ref = %s", (ref,))


def test_two_processes_register_the_same_pack_at_once(pg_dsn, make_pack, unique, committed, tmp_path) -> None:
    conn, to_delete = committed
    name = f"conc{unique}"
    to_delete.append(name)
    files = {f"workflows/w{i:02}.yaml": simple_workflow(f"{name}.w{i:02}") for i in range(30)}
    files["actions/linked.yaml"] = f"ref: {name}.linked\nworkflow_file: workflows/linked.workflow.yaml\n"
    files["actions/workflows/linked.workflow.yaml"] = 'version: "1"\ntasks:\n  - name: a\n    action: core.noop\n'
    root = make_pack(name, files)
    go = tmp_path / "go"
    procs = []
    for i in range(2):
        ready = tmp_path / f"ready{i}"
        procs.append((ready, subprocess.Popen(
            [sys.executable, "-c", WORKER, pg_dsn, str(root), str(ready), str(go)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    deadline = time.monotonic() + 30
    while not all(ready.exists() for ready, _ in procs) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    outputs = [proc.communicate(timeout=60) for _, proc in procs]
    for (_, proc), (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
    statuses = sorted(out.strip() for out, _ in outputs)
    # one process created everything, the other then updated the same rows
    assert statuses == [str(["created"] * 31), str(["updated"] * 31)]
    assert conn.execute("SELECT count(*) FROM attune.pack WHERE ref = %s", (name,)).fetchone() == (1,)
    rows = conn.execute(
        "SELECT wd.ref, count(a.id) FROM attune.workflow_definition wd "
        "LEFT JOIN attune.action a ON a.workflow_def = wd.id WHERE wd.pack_ref = %s GROUP BY wd.ref",
        (name,)).fetchall()
    assert len(rows) == 31 and all(n == 1 for _, n in rows)
    assert conn.execute("SELECT count(*) FROM attune.action WHERE pack_ref = %s", (name,)).fetchone() == (31,)


def test_foreign_key_violation_when_the_pack_is_deleted_meanwhile(pg_dsn, make_pack, unique, committed) -> None:
    """The pack row disappears between the registrar's lookup and its insert: the FK
    refuses the definition, and the error names the workflow file and the pack file."""
    conn, to_delete = committed
    name = f"fk{unique}"
    to_delete.append(name)
    pack, workflows = load_pack(make_pack(name, {"workflows/a.yaml": simple_workflow(f"{name}.a")}))
    WorkflowRegistrar(conn).register_pack(pack, [])

    deleter = psycopg.connect(pg_dsn)
    registering = psycopg.connect(pg_dsn)
    outcome: list[BaseException | object] = []
    try:
        deleter.execute("DELETE FROM attune.pack WHERE ref = %s", (name,))  # uncommitted: row locked

        def register() -> None:
            try:
                outcome.append(WorkflowRegistrar(registering).register_workflows(workflows))
            except BaseException as exc:  # noqa: BLE001 - handed to the test thread
                outcome.append(exc)

        thread = threading.Thread(target=register)
        thread.start()
        pid = registering.info.backend_pid
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # wait until the FK check waits on the row lock
            waiting = conn.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                                   (pid,)).fetchone()
            if waiting and waiting[0] == "Lock":
                break
            time.sleep(0.01)
        else:
            pytest.fail("the registering connection never waited on the pack row")
        deleter.commit()
        thread.join(30)
    finally:
        deleter.close()
        registering.close()
    (error,) = outcome
    assert isinstance(error, RegistrationError), error
    assert error.constraint == "workflow_definition_pack_fkey" and error.sqlstate == "23503"
    assert (error.location.path, error.location.line) == (workflows[0].document.path, 1)
    assert [(r.path, r.line) for r in error.related] == [(pack.manifest.path, 1)]
    assert conn.execute("SELECT count(*) FROM attune.workflow_definition WHERE pack_ref = %s",
                        (name,)).fetchone() == (0,)


def test_two_packs_racing_for_one_ref(pg_dsn, make_pack, unique, committed) -> None:
    """Pack one writes ref X but has not committed; pack two's insert of X waits, then
    finds the row owned by pack one: a clear error, not an overwrite."""
    conn, to_delete = committed
    one, two, ref = f"one{unique}", f"two{unique}", f"race{unique}.flow"
    to_delete.extend([one, two])
    pack_one, flows_one = load_pack(make_pack(one, {"workflows/x.yaml": simple_workflow(ref)}))
    pack_two, flows_two = load_pack(make_pack(two, {"workflows/x.yaml": simple_workflow(ref)}))
    WorkflowRegistrar(conn).register_pack(pack_two, [])  # pack two's row exists, committed

    first = psycopg.connect(pg_dsn)
    second = psycopg.connect(pg_dsn)
    outcome: list[object] = []
    try:
        with first.transaction():
            WorkflowRegistrar(first).register_pack(pack_one, flows_one)  # not committed yet

            def register() -> None:
                try:
                    outcome.append(WorkflowRegistrar(second).register_workflows(flows_two))
                except BaseException as exc:  # noqa: BLE001 - handed to the test thread
                    outcome.append(exc)

            thread = threading.Thread(target=register)
            thread.start()
            pid = second.info.backend_pid
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                waiting = conn.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                                       (pid,)).fetchone()
                if waiting and waiting[0] == "Lock":
                    break
                time.sleep(0.01)
            else:
                pytest.fail("the second registration never waited for the first")
        thread.join(30)  # the first transaction committed when its block ended
    finally:
        first.close()
        second.close()
    (error,) = outcome
    assert isinstance(error, RegistrationError), error
    assert "was registered by another pack meanwhile" in error.message
    assert (error.location.path, error.location.line) == (flows_two[0].document.path, 1)
    owners = conn.execute("SELECT pack_ref FROM attune.workflow_definition WHERE ref = %s", (ref,)).fetchall()
    assert owners == [(one,)]


def test_a_locked_table_ends_in_a_clear_error_after_the_lock_timeout(
        pg_dsn, make_pack, unique, committed, monkeypatch) -> None:
    """Another session holds a lock the registration needs: it gives up after
    ATTUNE_LOCK_TIMEOUT and says what it waited for, instead of waiting forever."""
    conn, to_delete = committed
    name = f"lock{unique}"
    to_delete.append(name)
    pack, workflows = load_pack(make_pack(name, {"workflows/a.yaml": simple_workflow(f"{name}.a")}))
    monkeypatch.setenv("ATTUNE_LOCK_TIMEOUT", "300ms")
    holder = psycopg.connect(pg_dsn)
    try:
        holder.execute("LOCK TABLE attune.workflow_definition IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        with psycopg.connect(pg_dsn) as registering:
            with pytest.raises(RegistrationError) as raised:
                WorkflowRegistrar(registering).register_pack(pack, workflows)
        assert time.monotonic() - started < 20
        assert "gave up after waiting 300ms for a lock" in str(raised.value)
        assert raised.value.sqlstate == "55P03"
    finally:
        holder.rollback()
        holder.close()
