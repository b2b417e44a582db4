"""The JSON Schemas shipped with attune-lint, and their validators (built once per process).

``validator(kind)`` is what the structure rules use: a file the compiled validity check
(``fast.py``, generated ahead of time into ``compiled/``) finds valid has no error, and
only another file pays for importing jsonschema (``precise.py``) to explain its errors.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from attune_lint.schemas.shipped import SCHEMA_FILES, schema, schema_text

__all__ = ["SCHEMA_FILES", "schema", "schema_text", "registry", "precise_validator", "validator"]


def registry() -> Any:
    """A ``referencing.Registry`` with every shipped schema, keyed by its ``$id``."""
    from attune_lint.schemas.precise import registry as precise_registry

    return precise_registry()


def precise_validator(kind: str) -> Any:
    """The jsonschema validator of ``kind`` (imports jsonschema)."""
    from attune_lint.schemas.precise import precise_validator as build

    return build(kind)


@lru_cache(maxsize=None)
def validator(kind: str) -> Any:
    """A validator of ``kind`` whose ``iter_errors`` gives jsonschema's errors, importing
    jsonschema only for an instance the compiled check does not find valid; any other
    attribute is the jsonschema validator's."""
    from attune_lint.schemas.checked import CheckedValidator

    return CheckedValidator(kind)
