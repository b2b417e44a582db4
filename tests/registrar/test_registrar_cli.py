"""``attune-lint register`` / ``unregister`` against the session's PostgreSQL.

The CLI commits, so every test uses packs with unique names and deletes them after.
"""
from __future__ import annotations

import socket

import pytest

psycopg = pytest.importorskip("psycopg")

from attune_lint.cli import main  # noqa: E402
from registrar_helpers import simple_workflow  # noqa: E402

pytestmark = pytest.mark.db


@pytest.fixture
def cleanup(pg_dsn: str):
    refs: list[str] = []
    yield refs
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        for ref in refs:
            conn.execute("DELETE FROM attune.pack WHERE ref = %s", (ref,))


def rows(dsn: str, pack_ref: str) -> list[tuple]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            "SELECT wd.ref, wd.label, a.ref FROM attune.workflow_definition wd "
            "LEFT JOIN attune.action a ON a.workflow_def = wd.id WHERE wd.pack_ref = %s ORDER BY wd.ref",
            (pack_ref,)).fetchall()


def test_register_then_update_then_no_update(pg_dsn, make_pack, unique, cleanup, capsys) -> None:
    name = f"cli{unique}"
    cleanup.append(name)
    root = make_pack(name, {"workflows/a.yaml": simple_workflow(f"{name}.a", label="A")})
    assert main(["register", str(root), "--db", pg_dsn]) == 0
    out = capsys.readouterr().out
    assert f"created  {name}.a  (" in out
    assert "1 workflow(s): 1 created, 0 updated, 0 skipped" in out
    assert rows(pg_dsn, name) == [(f"{name}.a", "A", f"{name}.a")]

    (root / "workflows" / "a.yaml").write_text(simple_workflow(f"{name}.a", label="B"))
    assert main(["register", str(root), "--db", pg_dsn]) == 0
    assert f"updated  {name}.a" in capsys.readouterr().out
    assert rows(pg_dsn, name) == [(f"{name}.a", "B", f"{name}.a")]

    assert main(["register", str(root), "--db", pg_dsn, "--no-update-existing"]) == 1
    assert "already registered" in capsys.readouterr().out


def test_dry_run_writes_nothing(pg_dsn, make_pack, unique, cleanup, capsys) -> None:
    name = f"dry{unique}"
    cleanup.append(name)
    root = make_pack(name, {"workflows/a.yaml": simple_workflow(f"{name}.a")})
    assert main(["register", str(root), "--db", pg_dsn, "--dry-run"]) == 0
    assert "(dry run: rolled back, nothing written)" in capsys.readouterr().out
    assert rows(pg_dsn, name) == []


def test_lint_errors_skip_the_workflow_and_fail_the_dry_run(pg_dsn, make_pack, unique, cleanup, capsys) -> None:
    name = f"lint{unique}"
    cleanup.append(name)
    broken = simple_workflow(f"{name}.b").replace("on_success: second", "on_success: nowhere")
    root = make_pack(name, {"workflows/a.yaml": simple_workflow(f"{name}.a"), "workflows/b.yaml": broken})
    assert main(["register", str(root), "--db", pg_dsn, "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert f"created  {name}.a" in out
    skipped = next(line for line in out.splitlines() if line.startswith("skipped"))
    assert f"{name}.b" in skipped and "b.yaml:7:" in skipped


def test_database_error_reported_at_file_and_line(pg_dsn, make_pack, unique, cleanup, capsys) -> None:
    """Registered despite its lint error, a three-segment ref hits the action CHECK."""
    name = f"chk{unique}"
    cleanup.append(name)
    root = make_pack(name, {"workflows/a.yaml": simple_workflow(f"{name}.a"),
                            "workflows/c.yaml": simple_workflow(f"{name}.c.c")})
    assert main(["register", str(root), "--db", pg_dsn, "--register-invalid"]) == 1
    out = capsys.readouterr().out
    line = next(text for text in out.splitlines() if "AL901" in text)
    assert line.endswith(f"'{name}.c.c': action check constraint action_ref_format refuses the value: "
                         'new row for relation "action" violates check constraint "action_ref_format"')
    assert "c.yaml:1:1: error AL901" in line
    assert "nothing was registered: the transaction was rolled back" in out
    assert rows(pg_dsn, name) == []


def test_unregister(pg_dsn, make_pack, unique, cleanup, capsys) -> None:
    name = f"unr{unique}"
    cleanup.append(name)
    root = make_pack(name, {"workflows/a.yaml": simple_workflow(f"{name}.a"),
                            "workflows/b.yaml": simple_workflow(f"{name}.b")})
    assert main(["register", str(root), "--db", pg_dsn]) == 0
    capsys.readouterr()
    assert main(["unregister", f"{name}.a", "--db", pg_dsn]) == 0
    assert f"actions removed with it: {name}.a" in capsys.readouterr().out
    assert rows(pg_dsn, name) == [(f"{name}.b", "Flow", f"{name}.b")]
    assert main(["unregister", f"{name}.a", "--db", pg_dsn]) == 1
    assert f"workflow '{name}.a' is not registered" in capsys.readouterr().err


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("command", [["register", "PACK"], ["unregister", "x.y"]])
def test_server_down_is_a_usage_error(make_pack, capsys, command) -> None:
    root = make_pack("down", {"workflows/a.yaml": simple_workflow("down.a")})
    port = closed_port()
    argv = [str(root) if word == "PACK" else word for word in command]
    assert main([*argv, "--db", f"host=127.0.0.1 port={port} user=u password=pw dbname=d"]) == 2
    err = capsys.readouterr().err
    assert f"cannot connect to the PostgreSQL server at 127.0.0.1:{port}/d as u" in err
    assert "pw" not in err.replace(f"{port}", "")


def test_use_existing_schema(pg_dsn, make_pack, unique, cleanup, capsys) -> None:
    from psycopg.conninfo import make_conninfo

    name = f"ex{unique}"
    cleanup.append(name)
    root = make_pack(name, {"workflows/a.yaml": simple_workflow(f"{name}.a")})
    assert main(["register", str(root), "--db", pg_dsn, "--use-existing-schema"]) == 0
    assert rows(pg_dsn, name) == [(f"{name}.a", "Flow", f"{name}.a")]
    capsys.readouterr()

    empty = f"empty_{unique}"
    with psycopg.connect(pg_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{empty}"')  # a fixed-format identifier, not a value
        try:
            empty_dsn = make_conninfo(pg_dsn, dbname=empty)
            assert main(["register", str(root), "--db", empty_dsn, "--use-existing-schema"]) == 2
            assert "the database has no attune.pack" in capsys.readouterr().err
            with psycopg.connect(empty_dsn) as conn:  # nothing was created there
                assert conn.execute("SELECT to_regnamespace('attune')").fetchone() == (None,)
        finally:
            admin.execute(f'DROP DATABASE "{empty}"')


def test_restricted_only_check_reported_at_the_key_by_lint_and_by_the_database(
        pg_dsn, make_pack, unique, cleanup, capsys) -> None:
    """Allowed packs on a public action: the linter already says what the newest Attune
    refuses, at the key; registered anyway, the database's refusal points there too."""
    from test_registrar_db import RESTRICTED_ONLY

    name = f"vis{unique}"
    cleanup.append(name)
    files = {path: text.replace("shop.", f"{name}.") for path, text in RESTRICTED_ONLY.items()}
    root = make_pack(name, files)
    assert main(["register", str(root), "--db", pg_dsn, "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "actions/flow.yaml:4:1: error AL204 'reference_allowed_pack_refs' must be empty here" in out
    assert main(["register", str(root), "--db", pg_dsn, "--register-invalid"]) == 1
    out = capsys.readouterr().out
    line = next(text for text in out.splitlines() if "AL901" in text)
    assert "actions/flow.yaml:4:1: error AL901" in line
    assert "action_reference_allowed_pack_refs_restricted_only" in line
    assert rows(pg_dsn, name) == []
