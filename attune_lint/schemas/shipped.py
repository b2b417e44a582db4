"""The JSON Schema files shipped with attune-lint, read once per process.

Kept apart from the validators so that every module of ``schemas`` can read a schema
without importing another validator (nor jsonschema).
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Any

# file kind → schema file name
SCHEMA_FILES: dict[str, str] = {
    "pack": "pack.schema.json",
    "action": "action.schema.json",
    "graph": "workflow-graph.schema.json",
    "standalone": "workflow-standalone.schema.json",
}
_HERE = os.path.dirname(os.path.abspath(__file__))


def schema_bytes(kind: str) -> bytes:
    """The schema file of ``kind`` as shipped, byte for byte."""
    path = os.path.join(_HERE, SCHEMA_FILES[kind])
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:  # not a plain folder (a zip import): through the resources API
        from importlib import resources

        return resources.files(__package__).joinpath(SCHEMA_FILES[kind]).read_bytes()


def schema_text(kind: str) -> str:
    """The schema of ``kind`` as shipped (for ``attune-lint schema KIND`` and editors)."""
    return schema_bytes(kind).decode("utf-8")


@lru_cache(maxsize=None)
def schema(kind: str) -> dict[str, Any]:
    return json.loads(schema_text(kind))


def checksum(chunks: list[bytes]) -> str:
    """A checksum of ``chunks``: CRC-32 and length of each. It tells a forgotten
    regeneration of the compiled checks, not a forgery (whoever can edit the schemas can
    edit the generated code too); zlib is imported in a fraction of hashlib's 2-3 ms."""
    import zlib

    return "-".join(f"{zlib.crc32(chunk):08x}:{len(chunk)}" for chunk in chunks)


@lru_cache(maxsize=1)
def schemas_digest() -> str:
    """The checksum of every shipped schema file (a schema may refer to another): what
    the generated validators record, so that a stale one is never used."""
    return checksum([schema_bytes(kind) for kind in sorted(SCHEMA_FILES)])
