"""Real Attune schema versions, modelled by the migration folders under ``migrations/``:
built like Attune's sqlx runner (``--attune-migrations``), then registered into through
a plain DSN (no search_path in it)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

psycopg = pytest.importorskip("psycopg")

from psycopg import sql  # noqa: E402
from psycopg.conninfo import make_conninfo  # noqa: E402

from attune_lint.cli import main  # noqa: E402
from attune_lint.registrar.migrations import MigrationError, apply_migrations, migration_files  # noqa: E402
from attune_lint.registrar.sqlsplit import code_text, split_statements  # noqa: E402

pytestmark = pytest.mark.db

MIGRATIONS = Path(__file__).parent / "migrations"
JUNE, NEWEST = MIGRATIONS / "june2026", MIGRATIONS / "newest"

PACK = {
    "actions/flow.yaml": """
        ref: {name}.flow
        label: Flow
        description: Runs the flow
        workflow_file: workflows/flow.workflow.yaml
        timeout_seconds: 30
        parameter_format: yaml
        runtime_version: ">=1.0"
        worker_selector:
          zone: eu
        default_execution_permission_set_refs:
          - core.admin
        """,
    "actions/workflows/flow.workflow.yaml": """
        version: "1.0"
        tasks:
          - name: a
            action: core.noop
        """,
    "workflows/report.yaml": """
        ref: {name}.report
        label: Report
        version: "2.0"
        tasks:
          - name: a
            action: core.noop
        """,
}


@pytest.fixture
def fresh_db(pg_dsn: str, unique: str):
    """``make()`` → the plain DSN of a new, empty database (dropped afterwards)."""
    created: list[str] = []

    def make() -> str:
        name = f"mig_{unique}_{len(created)}"
        with psycopg.connect(pg_dsn, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        created.append(name)
        return make_conninfo(pg_dsn, dbname=name)

    yield make
    with psycopg.connect(pg_dsn, autocommit=True) as admin:
        for name in created:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def pack_files(name: str) -> dict[str, str]:
    return {path: text.replace("{name}", name) for path, text in PACK.items()}


def query(dsn: str, statement: str, *params):
    with psycopg.connect(dsn) as conn:  # plain: no search_path, everything qualified
        return conn.execute(statement, params or None).fetchall()


@pytest.mark.parametrize("folder", [JUNE, NEWEST], ids=["june2026", "newest"])
def test_build_register_again_dry_run_unregister(folder, fresh_db, make_pack, capsys) -> None:
    dsn = fresh_db()
    root = make_pack("acme", pack_files("acme"))
    assert main(["register", str(root), "--db", dsn, "--attune-migrations", str(folder)]) == 0
    captured = capsys.readouterr()
    count = len(migration_files(folder))
    assert f"{count} Attune migration(s) applied from {folder} (0 already recorded)" in captured.err
    assert ("warning: skipped without TimescaleDB: 20250101000014_runtime_retention_supervisor.sql:4: "
            "SELECT remove_retention_policy(") in captured.err
    assert "Traceback" not in captured.err
    assert "2 workflow(s): 2 created, 0 updated, 0 skipped" in captured.out
    last = migration_files(folder)[-1]
    assert (f"attune-lint: database schema: Attune schema at migration {last.version} ({last.description}), "
            f"{count} applied, per attune._sqlx_migrations") in captured.err
    versions = query(dsn, "SELECT version FROM attune._sqlx_migrations WHERE success ORDER BY version")
    assert [v for (v,) in versions] == [m.version for m in migration_files(folder)]

    row = query(dsn, "SELECT label, description, timeout_seconds, parameter_format, "
                     "runtime_version_constraint, worker_selector, default_execution_permission_set_refs "
                     "FROM attune.action WHERE ref = 'acme.flow'")
    assert row == [("Flow", "Runs the flow", 30, "yaml", ">=1.0", {"zone": "eu"}, ["core.admin"])]

    # again, into the database as it is now, and with the migrations (all recorded already)
    assert main(["register", str(root), "--db", dsn, "--use-existing-schema"]) == 0
    assert "2 workflow(s): 0 created, 2 updated, 0 skipped" in capsys.readouterr().out
    assert main(["register", str(root), "--db", dsn, "--attune-migrations", str(folder)]) == 0
    assert f"0 Attune migration(s) applied from {folder} ({count} already recorded)" in capsys.readouterr().err
    # the shipped SQL on a real schema: every table exists, nothing is touched
    assert main(["register", str(root), "--db", dsn]) == 0
    assert "2 workflow(s): 0 created, 2 updated, 0 skipped" in capsys.readouterr().out
    assert query(dsn, "SELECT count(*) FROM pg_indexes WHERE indexname = 'idx_workflow_def_pack'") == [(0,)]

    # an action without a description: NULL on update, as Attune's loader does
    (root / "actions" / "flow.yaml").write_text(
        (root / "actions" / "flow.yaml").read_text().replace("description: Runs the flow\n", ""))
    assert main(["register", str(root), "--db", dsn, "--use-existing-schema", "--dry-run"]) == 0
    assert "(dry run: rolled back, nothing written)" in capsys.readouterr().out
    assert query(dsn, "SELECT description FROM attune.action WHERE ref = 'acme.flow'") == [("Runs the flow",)]
    assert main(["register", str(root), "--db", dsn, "--use-existing-schema"]) == 0
    assert query(dsn, "SELECT description FROM attune.action WHERE ref = 'acme.flow'") == [(None,)]

    assert main(["unregister", "acme.report", "--db", dsn]) == 0
    assert "actions removed with it: acme.report" in capsys.readouterr().out
    assert query(dsn, "SELECT ref FROM attune.workflow_definition ORDER BY ref") == [("acme.flow",)]


def test_newest_generated_columns_and_unqualified_trigger(fresh_db, make_pack, capsys) -> None:
    dsn = fresh_db()
    with psycopg.connect(dsn, autocommit=True) as conn:
        apply_migrations(conn, NEWEST)
    root = make_pack("acme", pack_files("acme"))
    query(dsn, "SELECT 1")  # the plain DSN works
    assert main(["register", str(root), "--db", dsn, "--use-existing-schema"]) == 0
    capsys.readouterr()
    rows = query(dsn, "SELECT a.ref, a.management_origin::text, a.effective_enabled, a.reference_visibility::text "
                      "FROM attune.action a ORDER BY a.ref")
    assert rows == [("acme.flow", "pack", True, "public"), ("acme.report", "pack", True, "public")]
    # set_component_managed_release read the pack's active release through `pack` (unqualified)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("UPDATE attune.pack SET active_release = 7 WHERE ref = 'acme'")
        conn.execute("DELETE FROM attune.workflow_definition")
    assert main(["register", str(root), "--db", dsn, "--use-existing-schema"]) == 0
    assert query(dsn, "SELECT DISTINCT managed_release FROM attune.action") == [(7,)]


def test_check_violation_at_the_key_in_the_newest_schema(fresh_db, make_pack, capsys) -> None:
    dsn = fresh_db()
    files = pack_files("acme")
    files["actions/flow.yaml"] = files["actions/flow.yaml"].replace(
        "timeout_seconds: 30\n", "reference_allowed_pack_refs: [other]\n")
    root = make_pack("acme", files)
    assert main(["register", str(root), "--db", dsn, "--attune-migrations", str(NEWEST)]) == 1
    out = capsys.readouterr().out
    assert "actions/flow.yaml:5:1: error AL204 'reference_allowed_pack_refs' must be empty here" in out
    assert main(["register", str(root), "--db", dsn, "--use-existing-schema", "--register-invalid"]) == 1
    line = next(text for text in capsys.readouterr().out.splitlines() if "AL901" in text)
    assert "actions/flow.yaml:5:1: error AL901" in line
    assert "action_reference_allowed_pack_refs_restricted_only" in line


def test_incompatible_database_refused_with_the_version(fresh_db, make_pack, capsys) -> None:
    dsn = fresh_db()
    with psycopg.connect(dsn, autocommit=True) as conn:
        apply_migrations(conn, JUNE)
        conn.execute("ALTER TABLE attune.action DROP COLUMN workflow_def CASCADE")
    root = make_pack("acme", pack_files("acme"))
    expected = ("attune-lint: incompatible Attune database (Attune schema at migration 20250101000014 "
                "(runtime retention supervisor), 6 applied, per attune._sqlx_migrations): missing "
                "action.workflow_def; attune-lint cannot register without them")
    assert main(["register", str(root), "--db", dsn, "--use-existing-schema"]) == 2
    captured = capsys.readouterr()
    assert expected in captured.err.splitlines()
    assert "AL901" not in captured.out and "Traceback" not in captured.err
    assert main(["unregister", "acme.flow", "--db", dsn]) == 2
    assert expected in capsys.readouterr().err.splitlines()
    assert query(dsn, "SELECT count(*) FROM attune.pack") == [(0,)]


def test_strict_migrations_make_timescaledb_fatal(fresh_db, make_pack, capsys) -> None:
    dsn = fresh_db()
    root = make_pack("acme", pack_files("acme"))
    argv = ["register", str(root), "--db", dsn, "--attune-migrations", str(JUNE), "--strict-migrations"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert ("attune-lint: migration 20250101000009_timescaledb_history.sql failed at line 4: "
            "CREATE EXTENSION IF NOT EXISTS timescaledb: ") in err
    assert "Traceback" not in err
    applied = query(dsn, "SELECT max(version) FROM attune._sqlx_migrations")
    assert applied == [(20250101000006,)]  # the failing file was rolled back, the earlier ones kept


def test_failing_statement_names_file_statement_and_error(fresh_db, make_pack, tmp_path, capsys) -> None:
    folder = tmp_path / "migrations"
    shutil.copytree(JUNE, folder)
    (folder / "20250101000015_broken.sql").write_text(
        "ALTER TABLE action ADD COLUMN lint_test INTEGER;\n\n"
        "-- the next one fails\nALTER TABLE no_such_table\n    ADD COLUMN y INTEGER;\n")
    dsn = fresh_db()
    root = make_pack("acme", pack_files("acme"))
    assert main(["register", str(root), "--db", dsn, "--attune-migrations", str(folder)]) == 2
    err = capsys.readouterr().err
    assert ("attune-lint: migration 20250101000015_broken.sql failed at line 4: ALTER TABLE no_such_table "
            'ADD COLUMN y INTEGER: relation "no_such_table" does not exist (SQLSTATE 42P01)') in err
    assert "Traceback" not in err
    assert query(dsn, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'lint_test'") == [(0,)]


def test_dry_run_with_migrations_leaves_the_database_empty(fresh_db, make_pack, capsys) -> None:
    dsn = fresh_db()
    root = make_pack("acme", pack_files("acme"))
    assert main(["register", str(root), "--db", dsn, "--attune-migrations", str(NEWEST), "--dry-run"]) == 0
    assert "2 workflow(s): 2 created" in capsys.readouterr().out
    assert query(dsn, "SELECT to_regnamespace('attune')") == [(None,)]


def test_migrations_exclude_use_existing_schema(make_pack, capsys) -> None:
    root = make_pack("acme", pack_files("acme"))
    assert main(["register", str(root), "--attune-migrations", str(JUNE), "--use-existing-schema"]) == 2
    assert "exclude each other" in capsys.readouterr().err


# -- the statement splitter (no database) -------------------------------------------------------


def test_splitter_handles_dollar_quotes_quotes_and_comments() -> None:
    text = (
        "-- leading comment; with a semicolon\n"
        "SELECT 'a;b', E'it\\'s;', \"odd;name\";  /* block; /* nested; */ still; */\n"
        "CREATE FUNCTION f() RETURNS int AS $fn$ BEGIN RETURN 1; END; $fn$ LANGUAGE plpgsql;\n"
        "DO $$ BEGIN PERFORM 1; END $$;\n"
        "SELECT $1::int\n")
    statements = split_statements(text)
    assert [s.line for s in statements] == [2, 3, 4, 5]
    assert statements[0].text == "SELECT 'a;b', E'it\\'s;', \"odd;name\""
    assert statements[1].text.endswith("$fn$ LANGUAGE plpgsql")
    assert statements[2].text == "DO $$ BEGIN PERFORM 1; END $$"
    assert statements[3].text == "SELECT $1::int"


def test_code_text_ignores_strings_and_comments_but_reads_bodies() -> None:
    assert "hypertable" not in code_text("COMMENT ON TABLE t IS 'a TimescaleDB hypertable' -- hypertable")
    assert "remove_retention_policy" in code_text("DO $$ BEGIN PERFORM remove_retention_policy('t'); END $$")


def test_migration_files_in_version_order(tmp_path) -> None:
    for name in ("20250101000002_b.sql", "20250101000010_c.up.sql", "20250101000010_c.down.sql",
                 "20250101000001_a_b.sql", "notes.md"):
        (tmp_path / name).write_text("SELECT 1;")
    assert [(m.version, m.description) for m in migration_files(tmp_path)] == [
        (20250101000001, "a b"), (20250101000002, "b"), (20250101000010, "c")]
    with pytest.raises(MigrationError, match="does not exist"):
        migration_files(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(MigrationError, match="no migrations"):
        migration_files(tmp_path / "empty")


# -- the pytest plugin's database built from migrations ---------------------------------------


def test_plugin_database_built_from_migrations(fresh_db) -> None:
    from pytest_attune.database import AttuneDatabase, NoDatabase

    database = AttuneDatabase(fresh_db(), migrations=str(JUNE))
    try:
        dsn = database.dsn()
        assert query(dsn, "SELECT count(*) FROM attune._sqlx_migrations") == [(6,)]
        text = database.describe()
        assert f"6 Attune migration(s) applied from {JUNE}" in text
        assert "skipped without TimescaleDB: 20250101000009_timescaledb_history.sql:4: " \
               "CREATE EXTENSION IF NOT EXISTS timescaledb" in text
        # a statement on an object a skipped statement would have created is skipped too
        assert ("20250101000009_timescaledb_history.sql:34: COMMENT ON MATERIALIZED VIEW execution_status_hourly "
                "IS 'Hourly execution changes' (uses execution_status_hourly, created by a skipped statement") in text
        assert database.migration_report is not None and len(database.migration_report.skipped) == 9
    finally:
        database.close()
    strict = AttuneDatabase(fresh_db(), migrations=str(JUNE), strict_migrations=True)
    with pytest.raises(NoDatabase) as info:
        strict.dsn()
    assert info.value.fatal
    assert "20250101000009_timescaledb_history.sql failed at line 4" in info.value.reason
    strict.close()


def test_plugin_migrations_setting_option_ini_env(tmp_path, monkeypatch) -> None:
    from types import SimpleNamespace

    from pytest_attune.options import migrations_setting

    def config(option: str | None, ini: str) -> SimpleNamespace:
        return SimpleNamespace(getoption=lambda name, default=None: option,
                               getini=lambda name: ini, rootpath=tmp_path)

    monkeypatch.setenv("ATTUNE_MIGRATIONS", "/env/migrations")
    assert migrations_setting(config("/opt/m", "ini/m")) == "/opt/m"
    assert migrations_setting(config(None, "ini/m")) == str(tmp_path / "ini/m")
    assert migrations_setting(config(None, "")) == "/env/migrations"
    monkeypatch.delenv("ATTUNE_MIGRATIONS")
    assert migrations_setting(config(None, "")) is None


def test_a_docker_migrated_database_is_not_migrated_again(fresh_db) -> None:
    dsn = fresh_db()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA attune")
        conn.execute("CREATE TABLE attune._migrations (id SERIAL, filename VARCHAR UNIQUE)")
        with pytest.raises(MigrationError, match="Docker runner"):
            apply_migrations(conn, JUNE)
        from attune_lint.registrar.introspect import migration_version

        conn.execute("INSERT INTO attune._migrations (filename) VALUES "
                     "('20250101000001_initial_setup.sql'), ('20250101000014_x.sql')")
        assert migration_version(conn) == ("Attune schema at migration 20250101000014_x.sql, 2 applied, "
                                           "per attune._migrations")


def test_splitter_ends_a_line_comment_at_a_carriage_return_as_postgresql_does() -> None:
    texts = [s.text for s in split_statements("SELECT 1; -- c\rSELECT 2; SELECT 3;")]
    assert texts == ["SELECT 1", "SELECT 2", "SELECT 3"]


def test_an_anonymous_index_names_no_object() -> None:
    """'CREATE INDEX ON t' once recorded 'ON' as a skipped object, which then excused any
    later failing statement containing the word ON."""
    from attune_lint.registrar.migrations import _CREATES

    named = {text: (m.group(1) if (m := _CREATES.match(text)) else None) for text in (
        "CREATE INDEX ON daily (bucket)", "CREATE UNIQUE INDEX idx_a ON t (x)",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS i2 ON t (x)", "CREATE TABLE attune.pack (id int)")}
    assert named == {"CREATE INDEX ON daily (bucket)": None, "CREATE UNIQUE INDEX idx_a ON t (x)": "idx_a",
                     "CREATE INDEX CONCURRENTLY IF NOT EXISTS i2 ON t (x)": "i2",
                     "CREATE TABLE attune.pack (id int)": "attune.pack"}


def test_splitter_keeps_semicolons_inside_parentheses_as_psql_does() -> None:
    text = "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));\nSELECT 1;"
    assert [s.text for s in split_statements(text)] == [
        "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2))", "SELECT 1"]


def test_splitter_reads_a_dollar_quote_tag_beyond_the_basic_plane() -> None:
    text = "CREATE FUNCTION f() RETURNS int AS $😀$ SELECT 1; $😀$ LANGUAGE sql;\nSELECT 2;"
    assert [s.text for s in split_statements(text)] == [
        "CREATE FUNCTION f() RETURNS int AS $😀$ SELECT 1; $😀$ LANGUAGE sql", "SELECT 2"]


def test_splitter_keeps_a_begin_atomic_body_whole() -> None:
    text = ("CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql BEGIN ATOMIC "
            "SELECT CASE WHEN a > 0 THEN 1 ELSE 2 END; SELECT 3; END;\nBEGIN;\nSELECT 4;\nEND;")
    assert [s.text for s in split_statements(text)] == [
        "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql BEGIN ATOMIC "
        "SELECT CASE WHEN a > 0 THEN 1 ELSE 2 END; SELECT 3; END", "BEGIN", "SELECT 4", "END"]
