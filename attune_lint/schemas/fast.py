"""A compiled yes/no validity check that spares jsonschema the files that are valid.

jsonschema gives the precise errors the structure rules report, but walks the schema in
Python for every file; most files are valid. fastjsonschema compiles the same schemas to
Python code that only answers "valid or not". Files it finds valid get no structure
finding; the others go through jsonschema for the messages. So that "valid" here always
means "no finding there", the compiled schema is a stricter variant:

* a property marked ``x-ignored`` (reported by jsonschema as a warning) becomes ``false``,
  so a file using one takes the precise path;
* fastjsonschema speaks draft-07, where keywords beside ``$ref`` are ignored: such
  siblings are moved into an ``allOf`` so that they still apply.

A test compares both on the corpus, the examples and a generated corpus with mistakes.
"""
from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any, Callable

from attune_lint.schemas import SCHEMA_FILES, schema

DRAFT7 = "http://json-schema.org/draft-07/schema#"
BASE = "https://attune-lint.dev/schemas/"
_ANNOTATIONS = frozenset({"description", "title", "default", "deprecated", "$comment", "examples"})


def _draft7(node: Any) -> Any:
    if isinstance(node, list):
        return [_draft7(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "x-ignored" in node:
        return False
    converted = {key: _convert_child(key, value) for key, value in node.items()}
    if "$schema" in converted:
        converted["$schema"] = DRAFT7
    ref = converted.get("$ref")
    if isinstance(ref, str) and not ref.startswith("#") and "://" not in ref:
        converted["$ref"] = BASE + ref  # absolute: resolved by our handler, never fetched
    if "$ref" in converted:
        siblings = {k: v for k, v in converted.items()
                    if k != "$ref" and not k.startswith("x-") and k not in _ANNOTATIONS}
        if siblings:
            kept = {k: v for k, v in converted.items() if k not in siblings and k != "$ref"}
            kept["allOf"] = [{"$ref": converted["$ref"]}, siblings]
            return kept
    return converted


def _convert_child(key: str, value: Any) -> Any:
    if key in ("properties", "patternProperties", "$defs", "definitions") and isinstance(value, dict):
        return {name: _draft7(sub) for name, sub in value.items()}
    if key.startswith("x-") or key in _ANNOTATIONS or key == "enum" or key == "const":
        return value
    return _draft7(value)


@lru_cache(maxsize=None)
def _variant(kind: str) -> dict[str, Any]:
    return _draft7(copy.deepcopy(schema(kind)))


@lru_cache(maxsize=None)
def fast_validity(kind: str) -> Callable[[Any], bool] | None:
    """``instance -> True when valid`` for ``kind``, or None without fastjsonschema."""
    try:
        import fastjsonschema
    except ImportError:
        return None
    by_id = {schema(k)["$id"]: _variant(k) for k in SCHEMA_FILES}
    # Handlers for both schemes: a reference to anything but our own schemas fails here
    # instead of being fetched from the network.
    handlers = {"https": by_id.__getitem__, "http": by_id.__getitem__}
    compiled = fastjsonschema.compile(_variant(kind), handlers=handlers, use_formats=False)

    def is_valid(instance: Any) -> bool:
        try:
            compiled(instance)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return is_valid
