"""A validator that asks the shipped compiled check first and jsonschema only when needed.

The compiled check is a stricter variant of the schema (``fast.py``): "valid" there means
jsonschema reports nothing, so a valid file skips jsonschema, and its import, entirely.
"""
from __future__ import annotations

from typing import Any, Iterator

from attune_lint.schemas.fast import shipped_validity
from attune_lint.schemas.precise import precise_validator


class CheckedValidator:
    """``iter_errors`` as jsonschema's, without jsonschema for a valid instance."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def iter_errors(self, instance: Any) -> Iterator[Any]:
        is_valid = shipped_validity(self.kind)
        if is_valid is not None:
            try:
                if is_valid(instance):
                    return iter(())
            except Exception:  # noqa: BLE001 - data the compiled code did not expect: ask jsonschema
                pass
        return precise_validator(self.kind).iter_errors(instance)

    def __getattr__(self, name: str) -> Any:
        # Anything else (schema, evolve, is_valid...) is the jsonschema validator's; not the
        # special names copy and pickle look up before __init__ ran.
        if name.startswith("__") or "kind" not in self.__dict__:
            raise AttributeError(name)
        return getattr(precise_validator(self.kind), name)
