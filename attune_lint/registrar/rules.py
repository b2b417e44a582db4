"""The registrar's rule: a database refused the pack (reported against the YAML)."""
from __future__ import annotations

from attune_lint.diagnostics import Severity
from attune_lint.rule import Rule

REGISTRATION_REFUSED = Rule(
    "AL901", "registration-refused", Severity.ERROR,
    "Attune's PostgreSQL schema refuses this workflow (constraint, duplicate ref or missing pack).",
    """
    Reported by ``attune-lint register`` (and ``--dry-run``): the row the platform would
    write violates one of the real constraints of the ``attune`` schema, e.g. the action
    ref CHECK (exactly one dot, lowercase), the pack version SemVer CHECK, a ref already
    registered by another pack, or two files of the run claiming the same ref. The
    position is the YAML key whose value the database refused. Emitted by the registrar
    (``attune_lint/registrar/``) against a real database, never by ``attune-lint check``,
    so these examples are not linted.

    FAIL:
        # file: packs/deploy/workflows/release.yaml
        ref: deploy.release.v2      # three segments: the companion action CHECK fails
        version: "1.0"
        tasks:
          - name: a
            action: core.noop
    PASS:
        ref: deploy.release_v2
        version: "1.0"
        tasks:
          - name: a
            action: core.noop
    """,
)

RULES = (REGISTRATION_REFUSED,)
