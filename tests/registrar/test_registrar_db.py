"""WorkflowRegistrar against a real PostgreSQL (one rollback-only transaction per test)."""
from __future__ import annotations

import dataclasses

import pytest

from attune_lint.diagnostics import Severity, Span
from attune_lint.registrar.errors import NotFoundError, RegistrationError
from attune_lint.registrar.normalize import normalize_definition
from attune_lint.registrar.registrar import RegistrationOptions, WorkflowRegistrar
from attune_lint.registrar.schema import apply_schema, prepare_schema
from attune_lint.document.rules import SYNTAX
from registrar_helpers import load_pack, simple_workflow

pytestmark = pytest.mark.db


def count(db, table: str, pack_ref: str) -> int:
    column = "ref" if table == "pack" else "pack_ref"
    return db.execute(f"SELECT count(*) FROM attune.{table} WHERE {column} = %s", (pack_ref,)).fetchone()[0]


def test_schema_applies_twice_and_existing_schema_is_accepted(db) -> None:
    apply_schema(db)
    apply_schema(db)
    prepare_schema(db, use_existing=True)
    names = {r[0] for r in db.execute(
        "SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
        "WHERE n.nspname = 'attune'").fetchall()}
    assert {"pack_ref_lowercase", "pack_ref_format", "pack_version_semver", "action_ref_lowercase",
            "action_ref_format", "workflow_definition_ref_key", "workflow_definition_pack_fkey",
            "action_workflow_def_fkey"} <= names


def test_schema_never_touches_an_existing_table(db) -> None:
    """A June-2026 style table (no retired_at, no trigger, no indexes) stays as it is."""
    db.execute("DROP TRIGGER update_action_updated ON attune.action")
    db.execute("DROP VIEW attune.workflow_action_link")
    db.execute("ALTER TABLE attune.workflow_definition DROP COLUMN retired_at")
    db.execute("DROP INDEX attune.idx_workflow_def_tags")
    db.execute("CREATE VIEW attune.workflow_action_link AS SELECT 1 AS platform_column")
    before = db.execute("SELECT count(*) FROM pg_indexes WHERE schemaname = 'attune'").fetchone()
    apply_schema(db)
    triggers = {r[0] for r in db.execute(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = 'attune.action'::regclass AND NOT tgisinternal")}
    assert triggers == set()
    assert db.execute("SELECT count(*) FROM pg_indexes WHERE schemaname = 'attune'").fetchone() == before
    columns = [r[0] for r in db.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = 'attune' AND table_name = 'workflow_action_link'")]
    assert columns == ["platform_column"]


def test_shipped_schema_follows_the_newest_attune(db) -> None:
    types = dict(db.execute(
        "SELECT column_name, udt_name FROM information_schema.columns "
        "WHERE table_schema = 'attune' AND table_name = 'action'").fetchall())
    assert types["reference_visibility"] == "action_reference_visibility_enum"
    assert types["required_worker_runtimes"] == "jsonb"
    assert types["log_retention_policy"] == "artifact_retention_enum"
    names = {r[0] for r in db.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = 'attune.action'::regclass").fetchall()}
    assert {"action_timeout_seconds_positive", "action_reference_allowed_pack_refs_non_null",
            "action_reference_allowed_pack_refs_restricted_only"} <= names
    semver = "SELECT %s ~ (SELECT substring(pg_get_constraintdef(oid) from $$'(.*)'$$) FROM pg_constraint " \
             "WHERE conname = 'pack_version_semver' AND conrelid = 'attune.pack'::regclass)"
    assert db.execute(semver, ("1.0.0-rc.1+build.5",)).fetchone() == (True,)
    assert db.execute(semver, ("1.0.0-rc..1",)).fetchone() == (False,)


def test_use_existing_schema_refuses_a_database_without_it(db) -> None:
    db.execute("CREATE SCHEMA other; SET LOCAL search_path = other")
    db.execute("DROP SCHEMA attune CASCADE")  # rolled back with the test's transaction
    with pytest.raises(RegistrationError, match="no attune.pack, attune.workflow_definition, attune.action"):
        prepare_schema(db, use_existing=True)


def test_create_pack_definitions_and_linked_actions(db, make_pack) -> None:
    root = make_pack("shop", {
        "workflows/restock.yaml": simple_workflow("shop.restock", label="Restock"),
        "actions/order.yaml": """
            ref: shop.order
            label: Place Order
            workflow_file: workflows/order.workflow.yaml
            parameters:
              item: {type: string, required: true}
            """,
        "actions/workflows/order.workflow.yaml": """
            version: "2.0"
            tasks:
              - name: a
                action: core.noop
            """,
    })
    pack, workflows = load_pack(root)
    results = WorkflowRegistrar(db).register_pack(pack, workflows)
    assert sorted((r.ref_name, r.status) for r in results) == [("shop.order", "created"), ("shop.restock", "created")]
    rows = db.execute(
        "SELECT wd.ref, wd.pack_ref, wd.label, wd.version, wd.definition, wd.param_schema, a.ref, "
        "a.entrypoint, a.runtime, a.workflow_def = wd.id FROM attune.workflow_definition wd "
        "JOIN attune.action a ON a.workflow_def = wd.id WHERE wd.pack_ref = 'shop' ORDER BY wd.ref").fetchall()
    order, restock = rows
    assert order[:4] == ("shop.order", "shop", "Place Order", "2.0")
    assert order[5] == {"item": {"type": "string", "required": True}}
    assert order[6:] == ("shop.order", "workflows/order.workflow.yaml", None, True)
    assert restock[:4] == ("shop.restock", "shop", "Restock", "1.0")
    by_ref = {w.ref: w for w in workflows}
    assert restock[4] == normalize_definition(by_ref["shop.restock"].definition)
    assert restock[4]["tasks"][0]["next"] == [{"when": "{{ succeeded() }}", "do": ["second"]}]
    assert restock[7] == "workflows/restock.workflow.yaml"
    pack_row = db.execute("SELECT label, version FROM attune.pack WHERE ref = 'shop'").fetchone()
    assert pack_row == ("Shop", "1.0.0")


def test_update_keeps_ids_and_rewrites_values(db, make_pack) -> None:
    root = make_pack("shop", {"workflows/restock.yaml": simple_workflow("shop.restock")})
    pack, workflows = load_pack(root)
    registrar = WorkflowRegistrar(db)
    (first,) = registrar.register_pack(pack, workflows)
    (root / "workflows" / "restock.yaml").write_text(simple_workflow("shop.restock", label="Renamed"))
    pack, workflows = load_pack(root)
    (second,) = registrar.register_pack(pack, workflows)
    assert (first.created, second.created) == (True, False)
    assert second.workflow_def_id == first.workflow_def_id
    assert db.execute("SELECT label FROM attune.workflow_definition WHERE id = %s",
                      (first.workflow_def_id,)).fetchone() == ("Renamed",)
    assert count(db, "workflow_definition", "shop") == 1 and count(db, "action", "shop") == 1


def test_updated_timestamp_trigger(db, make_pack) -> None:
    pack, workflows = load_pack(make_pack("shop", {"workflows/r.yaml": simple_workflow("shop.r")}))
    (result,) = WorkflowRegistrar(db).register_pack(pack, workflows)
    db.execute("UPDATE attune.workflow_definition SET created = '2000-01-01', updated = '2000-01-01' WHERE id = %s",
               (result.workflow_def_id,))
    # the BEFORE UPDATE trigger overrides the explicit value with NOW()
    created, updated = db.execute("SELECT created, updated FROM attune.workflow_definition WHERE id = %s",
                                  (result.workflow_def_id,)).fetchone()
    assert created.year == 2000 and updated.year > 2000


def test_no_update_existing_skips_and_leaves_row(db, make_pack) -> None:
    root = make_pack("shop", {"workflows/r.yaml": simple_workflow("shop.r", label="Old")})
    pack, workflows = load_pack(root)
    WorkflowRegistrar(db).register_pack(pack, workflows)
    (root / "workflows" / "r.yaml").write_text(simple_workflow("shop.r", label="New"))
    pack, workflows = load_pack(root)
    (result,) = WorkflowRegistrar(db, RegistrationOptions(update_existing=False)).register_pack(pack, workflows)
    assert result.status == "skipped" and "already registered" in (result.skipped or "")
    assert db.execute("SELECT label FROM attune.workflow_definition WHERE ref = 'shop.r'").fetchone() == ("Old",)


def test_invalid_workflow_skipped_or_registered_with_warnings(db, make_pack) -> None:
    root = make_pack("shop", {"workflows/a.yaml": simple_workflow("shop.a"),
                              "workflows/b.yaml": simple_workflow("shop.b")})
    pack, workflows = load_pack(root)
    bad = next(w for w in workflows if w.ref == "shop.b")
    bad.findings.append(SYNTAX.at(bad.document.path, Span(4, 3, 4, 4), "broken here"))
    results = WorkflowRegistrar(db).register_pack(pack, workflows)
    status = {r.ref_name: r for r in results}
    assert status["shop.a"].status == "created"
    assert status["shop.b"].status == "skipped"
    assert f"{bad.document.path}:4:3: AL101 broken here" in status["shop.b"].skipped
    assert count(db, "workflow_definition", "shop") == 1

    results = WorkflowRegistrar(db, RegistrationOptions(skip_invalid=False)).register_pack(pack, workflows)
    status = {r.ref_name: r for r in results}
    assert status["shop.b"].status == "created"
    assert status["shop.b"].warnings == [f"{bad.document.path}:4:3: AL101 broken here"]
    assert bad.findings[0].severity is Severity.ERROR


def test_register_workflow_needs_the_pack_row(db, make_pack) -> None:
    pack, workflows = load_pack(make_pack("nopack", {"workflows/a.yaml": simple_workflow("nopack.a")}))
    with pytest.raises(NotFoundError) as info:
        WorkflowRegistrar(db).register_workflow(workflows[0])
    assert "pack 'nopack' is not registered" in info.value.message
    assert (info.value.location.path, info.value.location.line) == (pack.manifest.path, 1)


def test_register_workflows_after_pack(db, make_pack) -> None:
    pack, workflows = load_pack(make_pack("shop", {"workflows/a.yaml": simple_workflow("shop.a")}))
    registrar = WorkflowRegistrar(db)
    registrar.register_pack(pack, [])
    (result,) = registrar.register_workflows(workflows)
    assert result.created and count(db, "action", "shop") == 1


def test_unregister_cascades_to_the_companion_action(db, make_pack) -> None:
    pack, workflows = load_pack(make_pack("shop", {"workflows/a.yaml": simple_workflow("shop.a"),
                                                   "workflows/b.yaml": simple_workflow("shop.b")}))
    registrar = WorkflowRegistrar(db)
    results = {r.ref_name: r for r in registrar.register_pack(pack, workflows)}
    assert registrar.unregister_workflow("shop.a") == results["shop.a"].workflow_def_id
    assert [r[0] for r in db.execute("SELECT ref FROM attune.action WHERE pack_ref = 'shop'")] == ["shop.b"]
    assert count(db, "workflow_definition", "shop") == 1
    with pytest.raises(NotFoundError, match="'shop.a' is not registered"):
        registrar.unregister_workflow("shop.a")


def test_deleting_the_pack_cascades(db, make_pack) -> None:
    pack, workflows = load_pack(make_pack("shop", {"workflows/a.yaml": simple_workflow("shop.a")}))
    WorkflowRegistrar(db).register_pack(pack, workflows)
    db.execute("DELETE FROM attune.pack WHERE ref = 'shop'")
    assert count(db, "workflow_definition", "shop") == 0 and count(db, "action", "shop") == 0


def test_same_ref_in_two_packs_is_refused_at_the_second_file(db, make_pack) -> None:
    one = make_pack("one", {"workflows/x.yaml": simple_workflow("shared.flow")})
    two = make_pack("two", {"workflows/x.yaml": simple_workflow("shared.flow")})
    registrar = WorkflowRegistrar(db)
    registrar.register_pack(*load_pack(one))
    pack, workflows = load_pack(two)
    with pytest.raises(RegistrationError) as info:
        registrar.register_pack(pack, workflows)
    error = info.value
    assert "already registered by pack 'one'" in error.message
    assert (error.location.path, error.location.line, error.location.column) == (workflows[0].document.path, 1, 1)
    assert count(db, "pack", "two") == 0  # the pack row of the failed call is rolled back too
    assert db.execute("SELECT pack_ref FROM attune.workflow_definition WHERE ref = 'shared.flow'").fetchone() == ("one",)


def test_same_ref_twice_in_one_run_names_both_files(db, make_pack) -> None:
    one = load_pack(make_pack("one", {"workflows/x.yaml": simple_workflow("shared.flow")}))
    two = load_pack(make_pack("two", {"workflows/y.yaml": "# second\n" + simple_workflow("shared.flow")}))
    with pytest.raises(RegistrationError) as info:
        WorkflowRegistrar(db).register_packs([one, two])
    error = info.value
    assert (error.location.path, error.location.line) == (two[1][0].document.path, 2)
    assert [(r.path, r.line) for r in error.related] == [(one[1][0].document.path, 1)]
    assert count(db, "pack", "one") == 0 and count(db, "pack", "two") == 0


@pytest.mark.parametrize(("ref", "constraint"), [
    ("shop.sub.flow", "action_ref_format"),
    ("shop.Flow", "action_ref_lowercase"),
])
def test_action_check_violation_reported_at_the_ref_line(db, make_pack, ref: str, constraint: str) -> None:
    root = make_pack("shop", {"workflows/good.yaml": simple_workflow("shop.good"),
                              "workflows/bad.yaml": "# leading comment\n" + simple_workflow(ref)})
    pack, workflows = load_pack(root)
    with pytest.raises(RegistrationError) as info:
        WorkflowRegistrar(db).register_pack(pack, workflows)
    error = info.value
    bad = next(w for w in workflows if w.file.name == "bad")
    assert (error.location.path, error.location.line, error.location.column) == (bad.document.path, 2, 1)
    assert error.constraint == constraint and error.sqlstate == "23514"
    assert f"'{ref}'" in error.message
    # nothing is half-registered: no pack, no definition, no action
    assert [count(db, t, "shop") for t in ("pack", "workflow_definition", "action")] == [0, 0, 0]


def test_pack_semver_check_reported_at_pack_version(db, make_pack) -> None:
    root = make_pack("shop", {"workflows/a.yaml": simple_workflow("shop.a")}, version='"1.0"')
    pack, workflows = load_pack(root)
    with pytest.raises(RegistrationError) as info:
        WorkflowRegistrar(db).register_pack(pack, workflows)
    error = info.value
    assert error.constraint == "pack_version_semver"
    assert (error.location.path, error.location.line, error.location.column) == (pack.manifest.path, 3, 1)
    assert count(db, "pack", "shop") == 0


def test_too_long_label_reported_at_the_label(db, make_pack) -> None:
    root = make_pack("shop", {"workflows/a.yaml": simple_workflow("shop.a", label="x" * 256)})
    pack, workflows = load_pack(root)
    with pytest.raises(RegistrationError) as info:
        WorkflowRegistrar(db).register_pack(pack, workflows)
    assert (info.value.location.line, info.value.sqlstate) == (2, "22001")
    assert "label is 256 characters" in info.value.message
    assert count(db, "workflow_definition", "shop") == 0


def test_missing_version_reported_as_not_null(db, make_pack) -> None:
    text = simple_workflow("shop.a").replace('version: "1.0"\n', "")
    pack, workflows = load_pack(make_pack("shop", {"workflows/a.yaml": text}))
    with pytest.raises(RegistrationError) as info:
        WorkflowRegistrar(db).register_pack(pack, workflows)
    assert info.value.sqlstate == "23502" and "'version' is missing" in info.value.message
    assert (info.value.location.path, info.value.location.line) == (workflows[0].document.path, 1)


def test_failure_after_earlier_batches_leaves_no_rows(db, make_pack) -> None:
    """Many good workflows and one bad one at the end: the batch fails as a whole."""
    files = {f"workflows/w{i:03}.yaml": simple_workflow(f"shop.w{i:03}") for i in range(40)}
    files["workflows/zz.yaml"] = simple_workflow("shop.z.z")
    pack, workflows = load_pack(make_pack("shop", files))
    with pytest.raises(RegistrationError) as info:
        WorkflowRegistrar(db).register_pack(pack, workflows)
    assert info.value.location.path.endswith("zz.yaml")
    assert [count(db, t, "shop") for t in ("pack", "workflow_definition", "action")] == [0, 0, 0]


def test_many_workflows_in_one_call(db, make_pack) -> None:
    files = {f"workflows/w{i:03}.yaml": simple_workflow(f"shop.w{i:03}") for i in range(200)}
    pack, workflows = load_pack(make_pack("shop", files))
    results = WorkflowRegistrar(db).register_pack(pack, workflows)
    assert len(results) == 200 and all(r.created and r.workflow_def_id for r in results)
    assert len({r.workflow_def_id for r in results}) == 200
    linked = db.execute("SELECT count(*) FROM attune.action a JOIN attune.workflow_definition wd "
                        "ON a.workflow_def = wd.id AND a.ref = wd.ref WHERE wd.pack_ref = 'shop'").fetchone()[0]
    assert linked == 200


HOSTILE = "it's; DROP TABLE attune.pack; -- \\n \\\\ \"quoted\" $$ %s %(x)s"


def test_quotes_semicolons_backslashes_stored_verbatim(db, make_pack) -> None:
    ref = "shop.o'neil;--\\x"
    text = (f"ref: {_yaml_single(ref)}\nlabel: {_yaml_single(HOSTILE)}\n"
            f"description: {_yaml_single(HOSTILE + ' desc')}\nversion: \"1.0\"\n"
            "tasks:\n  - name: a\n    action: core.noop\n    input:\n"
            f"      msg: {_yaml_single(HOSTILE)}\n")
    pack, workflows = load_pack(make_pack("shop", {"workflows/w.yaml": text}))
    (result,) = WorkflowRegistrar(db).register_pack(pack, workflows)
    row = db.execute("SELECT ref, label, description, definition FROM attune.workflow_definition WHERE id = %s",
                     (result.workflow_def_id,)).fetchone()
    assert row[:3] == (ref, HOSTILE, HOSTILE + " desc")
    assert row[3]["tasks"][0]["input"]["msg"] == HOSTILE
    assert db.execute("SELECT label FROM attune.action WHERE ref = %s", (ref,)).fetchone() == (HOSTILE,)
    assert db.execute("SELECT count(*) FROM attune.pack").fetchone()[0] >= 1


def _yaml_single(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def test_result_is_the_seeds_record() -> None:
    from attune_lint.registrar.registrar import RegistrationResult

    fields = [f.name for f in dataclasses.fields(RegistrationResult)][:4]
    assert fields == ["ref_name", "workflow_def_id", "created", "warnings"]
    assert RegistrationOptions() == RegistrationOptions(update_existing=True, skip_invalid=True)


def _round_trips(db, tmp_path, run) -> int:
    """Client Sync messages (one per round trip) sent while ``run()`` runs (libpq trace)."""
    import psycopg

    trace = tmp_path / f"trace{len(list(tmp_path.iterdir()))}.txt"
    with open(trace, "w") as handle:
        db.pgconn.trace(handle.fileno())
        db.pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)
        try:
            run()
        finally:
            db.pgconn.untrace()
    return sum(1 for line in trace.read_text().splitlines() if line.split("\t")[:1] == ["F"] and "\tSync" in line)


def test_round_trips_do_not_grow_with_the_number_of_workflows(db, make_pack, tmp_path) -> None:
    def register(name: str, n: int) -> int:
        files = {f"workflows/w{i:03}.yaml": simple_workflow(f"{name}.w{i:03}") for i in range(n)}
        pack, workflows = load_pack(make_pack(name, files))
        return _round_trips(db, tmp_path, lambda: WorkflowRegistrar(db).register_pack(pack, workflows))

    few, many = register("few", 5), register("many", 150)
    assert many == few, (few, many)
    assert many < 20, many


def test_corpus_packs_register_after_lint(db, corpus_packs) -> None:
    """The real files: lint, then register what passed, as `attune-lint register` does."""
    from attune_lint.run.runner import lint

    result = lint([corpus_packs])
    packs = [(p, [w for w in result.workspace.workflows if w.pack is p]) for p in result.workspace.packs]
    results = {r.ref_name: r for r in WorkflowRegistrar(db).register_packs(packs)}
    # core's install_packs.yaml is rejected by the platform's parser (vars as a list, ...)
    assert results["core.install_packs"].status == "skipped"
    assert "AL202" in results["core.install_packs"].skipped
    inquiry = results["test_pack.inquiry_workflow"]
    assert inquiry.status == "created"
    stored = db.execute(
        "SELECT wd.label, wd.definition, wd.param_schema, a.ref, a.entrypoint "
        "FROM attune.workflow_definition wd JOIN attune.action a ON a.workflow_def = wd.id "
        "WHERE wd.id = %s", (inquiry.workflow_def_id,)).fetchone()
    assert stored[0] == "Inquiry Workflow"
    assert stored[1]["tasks"][1]["wait_for"] == {"inquiry": "{{ task.request_inquiry.inquiry_id }}"}
    assert sorted(stored[2]) == ["prompt", "purpose", "response_options", "response_schema", "timeout_seconds"]
    assert stored[3:] == ("test_pack.inquiry_workflow", "workflows/inquiry_workflow.workflow.yaml")


def test_action_ref_of_another_pack_is_refused(db, make_pack) -> None:
    """The definition ref is free, but the action that would link it belongs elsewhere."""
    other = load_pack(make_pack("other", {"workflows/x.yaml": simple_workflow("shop.deploy")}))
    registrar = WorkflowRegistrar(db)
    registrar.register_pack(*other)
    registrar.unregister_workflow("shop.deploy")
    db.execute("INSERT INTO attune.action (ref, pack, pack_ref, label, entrypoint) "
               "SELECT 'shop.deploy', id, ref, 'Deploy', 'deploy.sh' FROM attune.pack WHERE ref = 'other'")
    pack, workflows = load_pack(make_pack("shop", {"workflows/deploy.yaml": simple_workflow("shop.deploy")}))
    with pytest.raises(RegistrationError, match="action ref 'shop.deploy' is already registered by pack 'other'"):
        registrar.register_packs([(other[0], []), (pack, workflows)])  # both packs in one run
    assert count(db, "pack", "shop") == 0


def test_trigger_with_unqualified_names_works_from_a_plain_connection(db, make_pack) -> None:
    """Attune's trigger functions read ``pack`` unqualified (set_component_managed_release):
    the registrar sets ``search_path = attune, public`` itself."""
    db.execute("SET LOCAL search_path = public")
    db.execute("""
        CREATE FUNCTION attune.lint_test_pack_label() RETURNS trigger AS $fn$
        BEGIN
            SELECT label INTO NEW.description FROM pack WHERE id = NEW.pack;
            RETURN NEW;
        END;
        $fn$ LANGUAGE plpgsql""")
    db.execute("CREATE TRIGGER lint_test_pack_label BEFORE INSERT ON attune.action "
               "FOR EACH ROW EXECUTE FUNCTION attune.lint_test_pack_label()")
    pack, workflows = load_pack(make_pack("shop", {"workflows/r.yaml": simple_workflow("shop.r")}))
    WorkflowRegistrar(db).register_pack(pack, workflows)
    assert db.execute("SELECT description FROM attune.action WHERE ref = 'shop.r'").fetchone() == ("Shop",)


def test_registrar_connections_set_the_search_path(pg_dsn) -> None:
    from attune_lint.registrar.connection import connect, search_path_options

    with connect(pg_dsn) as conn:
        assert conn.execute("SHOW search_path").fetchone()[0].replace(" ", "") == "attune,public"
    assert search_path_options("dbname=x options='-c statement_timeout=5000'") == (
        "-c statement_timeout=5000 -c search_path=attune,public")


def test_missing_optional_columns_are_left_out(db, make_pack) -> None:
    """The June 2026 lineage: no retired_at, enabled or visibility columns."""
    db.execute("DROP VIEW IF EXISTS attune.workflow_action_link")
    for table, column in (("workflow_definition", "retired_at"), ("action", "retired_at"),
                          ("action", "enabled"), ("action", "reference_visibility"),
                          ("action", "reference_allowed_pack_refs")):
        db.execute(f"ALTER TABLE attune.{table} DROP COLUMN {column} CASCADE")
    pack, workflows = load_pack(make_pack("shop", {"workflows/r.yaml": simple_workflow("shop.r")}))
    registrar = WorkflowRegistrar(db)
    assert [r.status for r in registrar.register_pack(pack, workflows)] == ["created"]
    assert [r.status for r in WorkflowRegistrar(db).register_pack(pack, workflows)] == ["updated"]
    assert registrar.linked_actions("shop.r") == ["shop.r"]
    assert registrar.unregister_workflow("shop.r") > 0
    assert count(db, "action", "shop") == 0


def test_missing_required_column_is_refused_up_front(db, make_pack) -> None:
    from attune_lint.registrar.introspect import IncompatibleDatabase

    db.execute("DROP VIEW IF EXISTS attune.workflow_action_link")
    db.execute("ALTER TABLE attune.action DROP COLUMN workflow_def")
    db.execute("ALTER TABLE attune.workflow_definition DROP COLUMN definition")
    pack, workflows = load_pack(make_pack("shop", {"workflows/r.yaml": simple_workflow("shop.r")}))
    with pytest.raises(IncompatibleDatabase) as info:
        WorkflowRegistrar(db).register_pack(pack, workflows)
    assert info.value.location is None
    assert str(info.value) == (
        "incompatible Attune database (no Attune migration history (_sqlx_migrations): a schema made "
        "by attune-lint or by hand): missing workflow_definition.definition, action.workflow_def; "
        "attune-lint cannot register without them")
    assert count(db, "pack", "shop") == 0


RESTRICTED_ONLY = {
    "actions/flow.yaml": """
        ref: shop.flow
        label: Flow
        workflow_file: workflows/flow.workflow.yaml
        reference_allowed_pack_refs:
          - other
        """,
    "actions/workflows/flow.workflow.yaml": """
        version: "1.0"
        tasks:
          - name: a
            action: core.noop
        """,
}


def test_check_violation_is_reported_at_the_offending_key(db, make_pack) -> None:
    """The newest Attune refuses allowed packs on a public action; the error points at
    the key, not the action's ref line."""
    pack, workflows = load_pack(make_pack("shop", RESTRICTED_ONLY))
    with pytest.raises(RegistrationError) as info:
        WorkflowRegistrar(db).register_pack(pack, workflows)
    error = info.value
    assert error.constraint == "action_reference_allowed_pack_refs_restricted_only"
    assert error.location.path.endswith("actions/flow.yaml")
    assert (error.location.line, error.location.column) == (4, 1)


def test_update_leaves_enabled_and_visibility_alone_unless_given(db, make_pack) -> None:
    files = {"actions/flow.yaml": RESTRICTED_ONLY["actions/flow.yaml"].replace(
                 "reference_allowed_pack_refs:\n          - other\n", "description: First\n"),
             "actions/workflows/flow.workflow.yaml": RESTRICTED_ONLY["actions/workflows/flow.workflow.yaml"],
             "workflows/r.yaml": simple_workflow("shop.r")}
    root = make_pack("shop", files)
    pack, workflows = load_pack(root)
    WorkflowRegistrar(db).register_pack(pack, workflows)
    db.execute("UPDATE attune.action SET enabled = FALSE, reference_visibility = 'private'")
    (root / "actions" / "flow.yaml").write_text((root / "actions" / "flow.yaml").read_text().replace(
        "description: First\n", ""))
    pack, workflows = load_pack(root)
    WorkflowRegistrar(db).register_pack(pack, workflows)
    rows = db.execute("SELECT ref, enabled, reference_visibility::text, description FROM attune.action "
                      "ORDER BY ref").fetchall()
    assert rows == [("shop.flow", False, "private", None), ("shop.r", False, "private", None)]
    (root / "actions" / "flow.yaml").write_text(
        (root / "actions" / "flow.yaml").read_text() + "enabled: true\nreference_visibility: public\n")
    pack, workflows = load_pack(root)
    WorkflowRegistrar(db).register_pack(pack, workflows)
    assert db.execute("SELECT enabled, reference_visibility::text FROM attune.action WHERE ref = 'shop.flow'"
                      ).fetchone() == (True, "public")


def test_a_refused_batch_prints_no_pipeline_noise(db, make_pack, capfd, caplog) -> None:
    """psycopg logs ``error ignored terminating <psycopg.Pipeline …>`` when a batch fails
    (depending on timing); the registrar's own error says it all."""
    files = {f"workflows/w{i:02}.yaml": simple_workflow(f"shop.w{i:02}") for i in range(40)}
    files["workflows/w20.yaml"] = simple_workflow("shop.w20").replace('version: "1.0"', "version: " + "9" * 60)
    pack, workflows = load_pack(make_pack("shop", files))
    for _ in range(15):
        with pytest.raises(RegistrationError):
            WorkflowRegistrar(db).register_pack(pack, workflows)
    captured = capfd.readouterr()
    assert "error ignored" not in captured.err + captured.out
    assert [r.getMessage() for r in caplog.records if "error ignored" in r.getMessage()] == []


def test_a_value_the_column_type_refuses_is_reported_at_its_key(db, make_pack) -> None:
    files = {"actions/flow.yaml": RESTRICTED_ONLY["actions/flow.yaml"].replace(
                 "reference_allowed_pack_refs:\n          - other\n", "reference_visibility: Public\n"),
             "actions/workflows/flow.workflow.yaml": RESTRICTED_ONLY["actions/workflows/flow.workflow.yaml"]}
    pack, workflows = load_pack(make_pack("shop", files))
    with pytest.raises(RegistrationError) as info:
        WorkflowRegistrar(db).register_pack(pack, workflows)
    assert (info.value.location.line, info.value.location.column) == (4, 1)
    assert "action.reference_visibility refuses the value" in info.value.message


def test_undefined_column_at_run_time_is_an_incompatible_database(db, make_pack) -> None:
    """42703 from inside the database (here a trigger expecting a column this database
    lacks) is not the YAML's fault: no location, exit 2 in the command."""
    from attune_lint.registrar.introspect import IncompatibleDatabase

    db.execute("""
        CREATE FUNCTION attune.lint_test_needs_column() RETURNS trigger AS $fn$
        BEGIN
            PERFORM no_such_column FROM attune.pack WHERE id = NEW.pack;
            RETURN NEW;
        END;
        $fn$ LANGUAGE plpgsql""")
    db.execute("CREATE TRIGGER lint_test_needs_column BEFORE INSERT ON attune.workflow_definition "
               "FOR EACH ROW EXECUTE FUNCTION attune.lint_test_needs_column()")
    pack, workflows = load_pack(make_pack("shop", {"workflows/r.yaml": simple_workflow("shop.r")}))
    with pytest.raises(IncompatibleDatabase) as info:
        WorkflowRegistrar(db).register_pack(pack, workflows)
    assert info.value.location is None and info.value.sqlstate == "42703"
    assert str(info.value).startswith("incompatible Attune database (no Attune migration history")
    assert 'column "no_such_column" does not exist' in str(info.value)


@pytest.mark.parametrize("value, line, column, words", [
    ('"a\\0b"', 7, 13, "holds a NUL character"),  # the key m of {m: ...}
    ("1e400", 7, 13, "is inf, a number JSON cannot hold"),
])
def test_unstorable_values_are_refused_at_their_key(db, make_pack, value: str, line: int, column: int,
                                                     words: str) -> None:
    root = make_pack("odd", {"workflows/w.yaml": f"""
        ref: odd.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            input: {{m: {value}}}
        """})
    pack, workflows = load_pack(root)
    with pytest.raises(RegistrationError) as raised:
        WorkflowRegistrar(db, RegistrationOptions(skip_invalid=False)).register_pack(pack, workflows)
    assert words in str(raised.value)
    assert (raised.value.location.line, raised.value.location.column) == (line, column)
