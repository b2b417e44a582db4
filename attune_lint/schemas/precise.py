"""The jsonschema validators: every error of a file, with its path in the instance and the
schema, for the structure rules' messages. Importing jsonschema costs 40-65 ms, so this
module is imported only when a file is not known to be valid (``schemas.validator``)."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from attune_lint.schemas.shipped import SCHEMA_FILES, schema


def _for_validation(kind: str) -> dict[str, Any]:
    # jsonschema picks the validator class of a referenced resource from its "$schema";
    # without it, the extended class (with the x-ignored keyword) is kept across "$ref"s.
    return {key: value for key, value in schema(kind).items() if key != "$schema"}


@lru_cache(maxsize=1)
def registry() -> Any:
    """A ``referencing.Registry`` with every shipped schema, keyed by its ``$id``."""
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources_ = [
        (schema(kind)["$id"], Resource.from_contents(_for_validation(kind), default_specification=DRAFT202012))
        for kind in SCHEMA_FILES
    ]
    return Registry().with_resources(resources_)


@lru_cache(maxsize=None)
def precise_validator(kind: str) -> Any:
    """A compiled jsonschema validator for ``kind`` that also reports keys marked ``x-ignored``."""
    from jsonschema import Draft202012Validator, ValidationError, validators

    def ignored(_validator: Any, reason: Any, _instance: Any, _schema: Any) -> Any:
        yield ValidationError(str(reason))

    cls = validators.extend(Draft202012Validator, {"x-ignored": ignored})
    return cls(_for_validation(kind), registry=registry())
