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

Compiling costs about 40 ms a schema, as much as a one-file run's whole check; so the
compiled code is generated ahead of time into ``compiled/<kind>.py``
(``python -m attune_lint.schemas.generate``) and used while the schemas it records (their
checksum, with this module's own text, which turns them into the variant) are the shipped
ones; otherwise, or without fastjsonschema, this compiles at run
time (``fast_validity``) or leaves the file to jsonschema (``shipped_validity``).
"""
from __future__ import annotations

import copy
import importlib
from functools import lru_cache
from typing import Any, Callable

from attune_lint.schemas.shipped import SCHEMA_FILES, checksum, schema, schemas_digest

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


def variant(kind: str) -> dict[str, Any]:
    """The stricter draft-07 variant of ``kind``'s schema that the compiled check validates."""
    return _variant(kind)


def ref_handlers() -> dict[str, Callable[[str], Any]]:
    """Handlers for both schemes: a reference to anything but our own schemas fails here
    instead of being fetched from the network."""
    by_id = {schema(k)["$id"]: _variant(k) for k in SCHEMA_FILES}
    return {"https": by_id.__getitem__, "http": by_id.__getitem__}


@lru_cache(maxsize=1)
def generation_digest() -> str:
    """What generated code is valid for: the shipped schemas and this module's text (the
    variant's rules); any change of either leaves the generated code unused."""
    try:
        with open(__file__, "rb") as handle:
            own = handle.read()
    except OSError:  # no source to compare with: never trust generated code
        return "unknown"
    return schemas_digest() + "+" + checksum([own])


@lru_cache(maxsize=None)
def shipped_validity(kind: str) -> Callable[[Any], bool] | None:
    """``instance -> True when valid`` from the generated code of ``kind``; None when it is
    missing or was generated from other schemas (or another fast.py) than the shipped ones."""
    try:
        module = importlib.import_module(f"attune_lint.schemas.compiled.{kind}")
    except ImportError:
        return None
    if getattr(module, "GENERATED_FROM", None) != generation_digest():
        return None
    return _validity(module.validate, module.JsonSchemaValueException)


@lru_cache(maxsize=None)
def fast_validity(kind: str) -> Callable[[Any], bool] | None:
    """``instance -> True when valid`` for ``kind``, or None without fastjsonschema."""
    shipped = shipped_validity(kind)
    if shipped is not None:
        return shipped
    try:
        import fastjsonschema
    except ImportError:
        return None
    compiled = fastjsonschema.compile(_variant(kind), handlers=ref_handlers(), use_formats=False)
    return _validity(compiled, fastjsonschema.JsonSchemaException)


def _validity(compiled: Callable[[Any], Any], invalid: type[Exception]) -> Callable[[Any], bool]:

    def is_valid(instance: Any) -> bool:
        try:
            compiled(instance)
        except invalid:
            return False
        return True

    return is_valid
