"""The JSON Schemas shipped with attune-lint, loaded and compiled once per process."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

# file kind → schema file name
SCHEMA_FILES: dict[str, str] = {
    "pack": "pack.schema.json",
    "action": "action.schema.json",
    "graph": "workflow-graph.schema.json",
    "standalone": "workflow-standalone.schema.json",
}


def schema_text(kind: str) -> str:
    """The schema of ``kind`` as shipped (for ``attune-lint schema KIND`` and editors)."""
    return resources.files(__package__).joinpath(SCHEMA_FILES[kind]).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def schema(kind: str) -> dict[str, Any]:
    return json.loads(schema_text(kind))


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
def validator(kind: str) -> Any:
    """A compiled validator for ``kind`` that also reports keys marked ``x-ignored``."""
    from jsonschema import Draft202012Validator, ValidationError, validators

    def ignored(_validator: Any, reason: Any, _instance: Any, _schema: Any) -> Any:
        yield ValidationError(str(reason))

    cls = validators.extend(Draft202012Validator, {"x-ignored": ignored})
    return cls(_for_validation(kind), registry=registry())
