"""Rules about the linter's own inline suppressions (``# attune-lint: disable=...``).

The checker (``checker.apply_suppressions``) emits them; like every rule they can be
switched off in the configuration or with ``disable-file``. Codes AL95x: AL90x belongs to
the registrar.
"""
from __future__ import annotations

from attune_lint.diagnostics import Severity
from attune_lint.rule import Rule

UNKNOWN_CODE = Rule(
    "AL951", "unknown-suppression-code", Severity.WARNING,
    "A suppression comment names a rule code that does not exist.",
    """
    A typo in a suppression silently suppresses nothing; the code is checked against the
    rule catalog (codes and rule names are both accepted). Emitted by the checker's
    suppression handling (``attune_lint/check/checker.py``), not by a rule family.

    FAIL:
        version: 1.0  # attune-lint: disable=AL2O5
    PASS:
        version: 1.0  # attune-lint: disable=AL205
    """,
)
UNUSED_SUPPRESSION = Rule(
    "AL952", "unused-suppression", Severity.WARNING,
    "A suppression comment suppresses no finding.",
    """
    The finding it was written for is gone (or was never on that line), so the comment
    only hides future mistakes. Remove it. ``disable`` applies to its own line,
    ``disable-next-line`` to the next line that is not blank or a comment,
    ``disable-file`` to the whole file. Emitted by the checker's suppression handling
    (``attune_lint/check/checker.py``) after the file's other findings are matched, not by a
    rule family.

    FAIL:
        version: "1.0"  # attune-lint: disable=AL205
    PASS:
        version: "1.0"
    """,
)
MALFORMED_SUPPRESSION = Rule(
    "AL953", "malformed-suppression", Severity.WARNING,
    "A comment starts with 'attune-lint:' but is not a suppression the linter understands.",
    """
    The forms are ``disable=CODE[,CODE]``, ``disable-next-line=CODE[,CODE]`` and
    ``disable-file=CODE[,CODE]``. Emitted by the checker's suppression handling
    (``attune_lint/check/checker.py``), not by a rule family.

    FAIL:
        version: 1.0  # attune-lint: ignore AL205
    PASS:
        version: 1.0  # attune-lint: disable=AL205
    """,
)

RULES = (UNKNOWN_CODE, UNUSED_SUPPRESSION, MALFORMED_SUPPRESSION)
