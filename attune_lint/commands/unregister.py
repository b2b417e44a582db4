"""``attune-lint unregister REF --db DSN``: delete a workflow definition, as the platform does.

The companion action(s) linked to the definition go with it (FK ON DELETE CASCADE).
"""
from __future__ import annotations

import argparse
import sys
from typing import Any
from attune_lint.exit_status import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE



def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "unregister", help="delete a registered workflow definition (and its workflow actions)",
        description="Delete the active workflow definition REF from Attune's PostgreSQL; its linked "
                    "actions are deleted with it (ON DELETE CASCADE).",
    )
    parser.add_argument("ref", metavar="REF", help="the workflow ref, e.g. mypack.deploy")
    parser.add_argument("--db", required=True, metavar="DSN", help="the Attune database (a PostgreSQL DSN)")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from attune_lint.registrar.provision import parse_db_option

    mode, dsn = parse_db_option(args.db)
    if dsn is None:
        print(f"attune-lint: unregister needs a database DSN, not {mode!r}: a throwaway database "
              "holds nothing to unregister", file=sys.stderr)
        return EXIT_USAGE

    from attune_lint.commands.register import _have_psycopg

    if not _have_psycopg():
        return EXIT_USAGE
    import psycopg

    from attune_lint.registrar.errors import NotFoundError, RegistrationError
    from attune_lint.registrar.provision import redact_dsn
    from attune_lint.registrar.connection import connect
    from attune_lint.registrar.registrar import WorkflowRegistrar

    try:
        conn = connect(dsn, connect_timeout=5)
    except psycopg.OperationalError as exc:
        print(f"attune-lint: cannot connect to the PostgreSQL server at {redact_dsn(dsn)}: "
              + " ".join(str(exc).split()), file=sys.stderr)
        return EXIT_USAGE
    with conn:
        registrar = WorkflowRegistrar(conn)
        try:
            actions = registrar.linked_actions(args.ref)
            definition_id = registrar.unregister_workflow(args.ref)
        except NotFoundError as exc:
            print(f"attune-lint: {exc.message}", file=sys.stderr)
            return EXIT_FINDINGS
        except RegistrationError as exc:  # IncompatibleDatabase: no attune schema, columns missing
            print(f"attune-lint: {exc.message}", file=sys.stderr)
            return EXIT_USAGE
        except psycopg.Error as exc:
            print(f"attune-lint: the database refused the deletion: {' '.join(str(exc).split())}",
                  file=sys.stderr)
            return EXIT_USAGE
    removed = ", ".join(actions) or "none"
    print(f"unregistered {args.ref} (workflow definition {definition_id}); actions removed with it: {removed}")
    return EXIT_OK
