"""The registrar stage: write loaded workflows into Attune's PostgreSQL tables.

Names are the seed's (``WorkflowRegistrar``, ``RegistrationOptions``,
``RegistrationResult``). They are imported lazily: psycopg is only loaded when a
registrar is actually used, so ``import attune_lint`` and the one-file CLI stay fast.
"""
from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "WorkflowRegistrar": ".registrar",
    "RegistrationOptions": ".registrar",
    "RegistrationResult": ".registrar",
    "RegistrationError": ".errors",
    "NotFoundError": ".errors",
    "DatabaseUnavailable": ".errors",
    "ConnectionFailed": ".errors",
    "Location": ".errors",
    "normalize_definition": ".normalize",
    "stored_workflow": ".normalize",
    "apply_schema": ".schema",
    "prepare_schema": ".schema",
    "schema_sql": ".schema",
    "provision_database": ".provision",
    "connect": ".connection",
    "IncompatibleDatabase": ".introspect",
    "AttuneSchema": ".introspect",
    "read_schema": ".introspect",
    "apply_migrations": ".migrations",
    "MigrationError": ".migrations",
    "split_statements": ".sqlsplit",
    "ProvisionedDatabase": ".provision",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module, __name__), name)
