"""``attune-lint register PATH...``: lint, then register into Attune's PostgreSQL.

Everything is registered in one transaction: either every workflow that passed the
lint is written, or (on any database error) nothing is. Inside it, the packs are loaded
and registered one at a time (``_PacksInTurn``), so memory is bounded by the largest
pack. ``--dry-run`` rolls that transaction back and exits 0 only if everything would
have registered, which makes it the CI gate right before a real registration.
"""
from __future__ import annotations

import argparse
import sys
from typing import Any, Iterator
from attune_lint.exit_status import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE



def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "register", help="lint, then register workflows into Attune's PostgreSQL",
        description="Lint the packs, then write their pack rows, workflow definitions and workflow "
                    "actions into Attune's PostgreSQL tables (schema 'attune') in one transaction. "
                    "Workflows with lint errors are skipped; a database error rolls everything back "
                    "and is reported at the file and line that caused it.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="packs or folders of packs")
    parser.add_argument("--db", default="auto", metavar="auto|require|DSN",
                        help="a PostgreSQL DSN, or 'auto'/'require' for a throwaway database "
                             "(ATTUNE_TEST_DSN, else a Docker container, else a local cluster); "
                             "'auto' skips registration when none can be had, 'require' fails "
                             "(default: auto)")
    parser.add_argument("--dry-run", action="store_true",
                        help="roll the transaction back; exit 0 only if everything would have registered")
    parser.add_argument("--no-update-existing", dest="update_existing", action="store_false",
                        help="skip workflows that are registered already instead of updating them")
    parser.add_argument("--register-invalid", dest="skip_invalid", action="store_false",
                        help="register workflows that have lint errors too (the errors become warnings)")
    parser.add_argument("--use-existing-schema", action="store_true",
                        help="use the database's attune schema as it is (an Attune database); "
                             "do not apply the shipped schema SQL")
    parser.add_argument("--attune-migrations", metavar="DIR", default=None,
                        help="build the database from this folder of Attune migrations (an Attune "
                             "checkout's migrations/), applied like Attune's sqlx runner, instead of "
                             "the shipped schema SQL (default: $ATTUNE_MIGRATIONS)")
    parser.add_argument("--strict-migrations", action="store_true",
                        help="with --attune-migrations: any failing statement is fatal (by default "
                             "TimescaleDB statements are skipped when the server lacks TimescaleDB)")
    parser.set_defaults(run=run)
    return parser


def run_argv(argv: list[str]) -> int:
    """Run ``register`` with ``argv`` as its arguments; the git hooks' registration check
    calls this, so a hook never goes back up through the command line entry point."""
    parser = argparse.ArgumentParser(prog="attune-lint")
    add_parser(parser.add_subparsers())
    args = parser.parse_args(["register", *argv])
    return int(args.run(args))


def _have_psycopg() -> bool:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        print("attune-lint: registration needs psycopg 3: pip install 'attune-lint[registrar]'",
              file=sys.stderr)
        return False
    return True


def _error_paths(diagnostics: list[Any]) -> dict[str, list[Any]]:
    from attune_lint.diagnostics import Severity

    by_path: dict[str, list[Any]] = {}
    for diagnostic in diagnostics:
        if diagnostic.severity >= Severity.ERROR:
            by_path.setdefault(diagnostic.path, []).append(diagnostic)
    return by_path


def _attach_errors(workspace: Any, errors: dict[str, list[Any]]) -> None:
    """A workflow is invalid when its graph, its linking action or its pack.yaml has an
    error: the platform would refuse any of them."""
    for workflow in workspace.workflows:
        paths = [workflow.document.path]
        if workflow.action is not None:
            paths.append(workflow.action.document.path)
        if workflow.pack is not None and workflow.pack.manifest is not None:
            paths.append(workflow.pack.manifest.path)
        found = [d for path in dict.fromkeys(paths) for d in errors.get(path, [])]
        kept = [f for f in workflow.findings if f not in found]
        workflow.findings = found + kept


def _print_result(result: Any) -> None:
    line = f"{result.status:<8} {result.ref_name}  ({result.path})"
    if result.skipped:
        line += f": {result.skipped}"
    print(line)
    for warning in result.warnings:
        print(f"         warning: {warning}")


def run(args: argparse.Namespace) -> int:
    from attune_lint.run.runner import lint

    # The lint keeps no trees (one pack at a time, like `check`); the registration loads
    # each pack again when its turn comes (_PacksInTurn): memory is that of the largest
    # pack, not of the run.
    result = lint(args.paths, keep_trees=False)
    for problem in result.workspace.problems:
        print(f"{problem.path}: {problem.message}", file=sys.stderr)
    if not result.outlines:
        print("attune-lint: no packs found in " + ", ".join(args.paths), file=sys.stderr)
        return EXIT_USAGE
    if not _have_psycopg():
        return EXIT_USAGE
    errors = _error_paths(result.diagnostics)
    for diagnostic in sorted((d for ds in errors.values() for d in ds), key=lambda d: d.sort_key()):
        print(f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}: error {diagnostic.code} "
              f"{diagnostic.message}")

    from attune_lint.registrar.errors import ConnectionFailed, DatabaseUnavailable, RegistrationError
    from attune_lint.registrar.provision import provision_database
    from attune_lint.registrar.registrar import RegistrationOptions

    options = RegistrationOptions(update_existing=args.update_existing, skip_invalid=args.skip_invalid)
    skipped: list[Any] = []
    packs = _PacksInTurn(args.paths, errors, options, skipped, _lock_refs(result.outlines, errors, options))
    del result
    args.attune_migrations = _migrations_folder(args)
    if args.attune_migrations and args.use_existing_schema:
        print("attune-lint: --attune-migrations and --use-existing-schema exclude each other: the "
              "first builds the schema, the second uses the one that is there", file=sys.stderr)
        return EXIT_USAGE
    try:
        database = provision_database(args.db)
    except (ConnectionFailed, DatabaseUnavailable) as exc:
        print(f"attune-lint: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not database.available:
        print("attune-lint: registration skipped: " + database.describe(), file=sys.stderr)
        return EXIT_FINDINGS if errors else EXIT_OK
    if database.backend in ("docker", "local"):
        passed_over = [r for r in database.reasons if not r.startswith("no DSN given")]
        print(f"attune-lint: registering into {database.describe()}"
              + (f" ({'; '.join(passed_over)})" if passed_over else ""), file=sys.stderr)
    from attune_lint.registrar.migrations import MigrationError

    try:
        try:
            registered = _register(database.dsn, packs, options, args)
            results = skipped + registered  # skipped: filled while the packs were read
        except MigrationError as exc:
            print(f"attune-lint: {exc.message}", file=sys.stderr)
            return EXIT_USAGE
        except RegistrationError as exc:
            if exc.location is None:  # not about a file: the database itself is unsuitable
                print(f"attune-lint: {exc.message}", file=sys.stderr)
                return EXIT_USAGE
            diagnostic = exc.to_diagnostic()
            print(f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}: error {diagnostic.code} "
                  f"{diagnostic.message}")
            for path, span, note in diagnostic.related:
                print(f"{path}:{span.line}:{span.column}: note: {note}")
            print("nothing was registered: the transaction was rolled back")
            return EXIT_FINDINGS
        except ConnectionFailed as exc:
            print(f"attune-lint: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except Exception as exc:  # psycopg.Error: a lost connection, a server error
            if type(exc).__module__.split(".")[0] != "psycopg":
                raise
            print(f"attune-lint: the database failed during registration, nothing was registered: "
                  f"{' '.join(str(exc).split()) or type(exc).__name__}", file=sys.stderr)
            return EXIT_USAGE
    finally:
        database.stop()
    for item in sorted(results, key=lambda r: (r.path, r.ref_name)):
        _print_result(item)
    counts = {status: sum(r.status == status for r in results) for status in ("created", "updated", "skipped")}
    where = database.describe()
    summary = (f"{len(results)} workflow(s): {counts['created']} created, {counts['updated']} updated, "
               f"{counts['skipped']} skipped, in {where}")
    if args.dry_run:
        summary += " (dry run: rolled back, nothing written)"
    print(summary)
    return EXIT_FINDINGS if counts["skipped"] or errors else EXIT_OK


def _manifest_errors(pack: Any, errors: dict[str, list[Any]]) -> list[Any]:
    return errors.get(pack.manifest.path, []) if pack.manifest is not None else []


def _lock_refs(outlines: list[Any], errors: dict[str, list[Any]], options: Any) -> list[str]:
    """The refs of the packs the registration will write (every pack whose pack.yaml has
    no error, or every pack with --register-invalid): their locks are taken up front."""
    from pathlib import Path

    from attune_lint.workspace.discovery import MANIFEST
    from attune_lint.workspace.workspace import display_path

    refs = []
    for outline in outlines:
        manifest = Path(outline.root) / MANIFEST
        if options.skip_invalid and manifest.is_file() and errors.get(display_path(manifest)):
            continue
        refs.append(outline.ref)
    return refs


class _PacksInTurn:
    """The run's packs, loaded one at a time as the registrar asks for them (each load
    reads the pack's files again; nothing of a pack is kept once the next is asked for).

    A pack whose pack.yaml has errors is passed over (its pack row would be refused): its
    workflows go to ``skipped`` as results, as ``register`` prints them.
    """

    def __init__(self, paths: list[str], errors: dict[str, list[Any]], options: Any, skipped: list[Any],
                 lock_refs: list[str]) -> None:
        self.paths = paths
        self.errors = errors
        self.options = options
        self.skipped = skipped
        self.lock_refs = lock_refs

    def __iter__(self) -> Iterator[tuple[Any, list[Any]]]:
        from attune_lint.registrar.registrar import RegistrationResult
        from attune_lint.run.gc_pause import gc_paused
        from attune_lint.run.parallel import plan
        from attune_lint.run.serial import load_workspace
        from attune_lint.settings.record import Settings

        settings = Settings()  # as the lint above: register reads no configuration file
        found = plan(self.paths, max_file_size=settings.max_file_size)
        for index in range(len(found.packs)):
            with gc_paused():  # a pack's trees hold no cycles: reference counting frees them
                workspace = load_workspace(found.pack_paths(index), settings)
                _attach_errors(workspace, self.errors)
            for pack in workspace.packs:
                workflows = [w for w in workspace.workflows if w.pack is pack]
                manifest_errors = _manifest_errors(pack, self.errors)
                if manifest_errors and self.options.skip_invalid:
                    first = manifest_errors[0]
                    reason = (f"pack.yaml has errors: {first.path}:{first.line}:{first.column}: "
                              f"{first.code} {first.message}")
                    self.skipped.extend(RegistrationResult(w.ref, None, False, skipped=reason,
                                                           path=w.document.path) for w in workflows)
                    continue
                yield pack, workflows
                del pack, workflows
            del workspace


def _migrations_folder(args: argparse.Namespace) -> str | None:
    import os

    from attune_lint.registrar.migrations import ENV

    value = getattr(args, "attune_migrations", None)
    if not value and not args.use_existing_schema:  # the environment never overrides the flag
        value = os.environ.get(ENV, "").strip()
    return value or None


def _apply_migrations(conn: Any, args: argparse.Namespace) -> None:
    from attune_lint.registrar.migrations import apply_migrations

    report = apply_migrations(conn, args.attune_migrations, strict=args.strict_migrations)
    print(f"attune-lint: {report.describe()}", file=sys.stderr)
    for skipped in report.skipped:
        print(f"attune-lint: warning: skipped without TimescaleDB: {skipped}", file=sys.stderr)


def _register(dsn: str, packs: _PacksInTurn, options: Any, args: argparse.Namespace) -> list[Any]:
    import psycopg

    from attune_lint.registrar.connection import connect
    from attune_lint.registrar.errors import ConnectionFailed
    from attune_lint.registrar.provision import redact_dsn
    from attune_lint.registrar.registrar import WorkflowRegistrar
    from attune_lint.registrar.schema import prepare_schema

    try:
        conn = connect(dsn)
    except psycopg.OperationalError as exc:
        raise ConnectionFailed(redact_dsn(dsn), " ".join(str(exc).split())) from None
    with conn:
        if args.attune_migrations and not args.dry_run:
            # Like sqlx: each migration file committed in its own transaction.
            conn.autocommit = True
            _apply_migrations(conn, args)
            conn.autocommit = False
        # A dry run leaves the database as it was, schema (and migrations) included.
        with conn.transaction(force_rollback=args.dry_run):
            if args.attune_migrations:
                if args.dry_run:
                    _apply_migrations(conn, args)  # every file a savepoint of the rolled-back transaction
            else:
                prepare_schema(conn, use_existing=args.use_existing_schema)
            registrar = WorkflowRegistrar(conn, options)
            results = registrar.register_packs_in_turn(packs, packs.lock_refs)
            print(f"attune-lint: database schema: {registrar.schema().version}", file=sys.stderr)
            return results
