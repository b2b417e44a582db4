"""Structure: every file against the JSON Schema of its kind, errors at the exact node.

The schemas (``attune_lint/schemas``) say what is valid; this module turns each schema
error into one plain sentence at the node it concerns: an unknown key at the key (with
the closest known key), a wrong type or value at the value, a missing key at the mapping
that lacks it.
"""
from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, Iterable, Iterator

from attune_lint.check.context import CheckContext
from attune_lint.workspace.discovery import classify_content
from attune_lint.diagnostics import Diagnostic, Severity
from attune_lint.document.tree import AnyNode, MappingNode, ScalarNode, head_span, key_at_path, node_at_path
from attune_lint.rule import Rule
from attune_lint.spelling import closest

UNKNOWN_KEY = Rule(
    "AL201", "unknown-key", Severity.WARNING,
    "A key the platform does not know; it is silently dropped (often a typo).",
    """
    Attune's parser ignores keys it does not know, so a misspelt key simply vanishes. In
    ``iterate_cache`` and ``wait_for`` the platform rejects unknown keys, and so is this an
    error there.

    FAIL:
        tasks:
          - name: a
            action: core.echo
            on_sucess: b
    PASS:
        tasks:
          - name: a
            action: core.echo
            on_success: b
    """,
)
WRONG_TYPE = Rule(
    "AL202", "wrong-type", Severity.ERROR,
    "A value of the wrong kind (a list where a mapping is expected, ...).",
    """
    In a workflow file the platform refuses the whole file ("invalid type: sequence,
    expected a map"): an error.

    In ``pack.yaml`` and action files the severity follows what the platform does with the
    field (see "Severity policy" at the top of docs/rules.md). Attune reads most of their
    fields one by one and leniently (``get("dependencies").and_then(as_sequence)``): a value
    of the wrong kind is silently dropped, read as absent or stored unchecked, so the finding
    is a **warning** that says so (schema annotation ``x-lenient``). This covers pack.yaml
    ``name``, ``description``, ``dependencies``, ``runtime_deps``, ``keywords``,
    ``config_schema``, ``metadata`` and ``worker_*`` (the register path) and ``label``,
    ``author``, ``email``, ``system``, ``enabled``, ``conf_schema``, ``config``, ``meta``,
    ``tags`` (not read by the register path at all), and the action fields ``label``,
    ``description``, ``enabled``, ``workflow_file``, ``runner_type``, ``entry_point``,
    ``runtime_version``, ``parameter_delivery``/``parameter_format``/``output_format``,
    ``parameters``, ``output``, ``tags``, ``default_execution_permission_set_refs``,
    ``required_worker_runtimes``, ``worker_*`` and ``accesses_mcp``. Fields the platform
    deserializes strictly (``x-strict``) stay **errors**, an unquoted number in a string
    field (AL205) included: pack.yaml ``ref``, ``version`` and ``testing``; action ``ref``,
    ``timeout_seconds``, ``reference_visibility``, ``reference_allowed_pack_refs`` and the
    ``log_``/``artifact_retention_*`` fields.

    FAIL:
        vars:
          - count: 1
    PASS:
        vars:
          count: 1

    A map where pack.yaml expects a list is a warning: the register path reads
    ``dependencies: {}`` as no dependencies (write ``dependencies: []``).
    """,
)
MISSING_KEY = Rule(
    "AL203", "missing-key", Severity.ERROR,
    "A required key is missing.",
    """
    Where the platform's reaction is known the message says it (schema annotation
    ``x-missing``). An action file without ``ref``: the newest Attune refuses the whole pack
    registration in its preflight ("action YAML deploy.yaml is missing ref"); older pack
    loaders (June 2026) skip the file with a warning ("Action YAML deploy.yaml missing 'ref'
    field, skipping"), so the action is never registered. Either way it is an error. A
    pack.yaml without ``ref`` or ``version`` is refused ("Missing 'ref' field in pack.yaml").

    FAIL:
        # file: workflows/w.yaml
        ref: acme.w
        label: W
        tasks:
          - name: a
            action: core.echo
    PASS:
        # file: workflows/w.yaml
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo

    An action file (``actions/deploy.yaml``) without ``ref`` is reported the same way, at the
    top of the file.
    """,
)
INVALID_VALUE = Rule(
    "AL204", "invalid-value", Severity.ERROR,
    "A value outside what the platform accepts (enum, range, length, pattern).",
    """
    FAIL:
        tasks:
          - name: a
            action: core.echo
            retry: {count: 0, delay: 5}
    PASS:
        tasks:
          - name: a
            action: core.echo
            retry: {count: 3, delay: 5}
    """,
)
UNQUOTED_STRING = Rule(
    "AL205", "unquoted-string", Severity.WARNING,
    "A string field written as an unquoted number or boolean.",
    """
    YAML reads ``version: 1.10`` as the number 1.1. Attune's own parser may still take the
    text, but the CLI and the API store it as a number and the run-time parser then
    refuses it. Quote it.

    FAIL:
        version: 1.10
    PASS:
        version: "1.10"
    """,
)
IGNORED_KEY = Rule(
    "AL206", "ignored-key", Severity.WARNING,
    "A key real files use that the platform ignores (``output_schema``, ``name``, ...).",
    """
    FAIL:
        output_schema:
          result: {type: string}
    PASS:
        output:
          result: {type: string}
    """,
)

RULES = (UNKNOWN_KEY, WRONG_TYPE, MISSING_KEY, INVALID_VALUE, UNQUOTED_STRING, IGNORED_KEY)

# Compiling the fast validity check costs about 40 ms a schema: worth it for a run of many
# files, not for the one-file run of a pre-commit hook.
FAST_PATH_MIN_FILES = 30

_JSON_TYPE_NAMES = {
    "object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
    "number": "a number", "boolean": "a boolean (true or false)", "null": "null",
}
_LIMIT_KEYWORDS = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength",
                   "maxLength", "minItems", "maxItems", "minProperties", "maxProperties",
                   "pattern", "const", "format", "uniqueItems", "multipleOf", "not"}


def schema_kind(ctx: CheckContext) -> str | None:
    """Which schema applies: by location, or, for a file outside any pack, by content."""
    if ctx.kind != "unknown":
        return ctx.kind
    keys = set(ctx.root.keys()) if ctx.root is not None else set()
    kind = classify_content(keys, ctx.file_path.name)
    return None if kind == "unknown" else kind


def check(ctx: CheckContext) -> Iterable[Diagnostic]:
    kind = schema_kind(ctx)
    if kind is None or ctx.root is None:
        return []
    from attune_lint.schemas import validator

    if max(len(ctx.workspace.targets), ctx.workspace.run_files) >= FAST_PATH_MIN_FILES:
        from attune_lint.schemas.fast import fast_validity

        is_valid = fast_validity(kind)
        if is_valid is not None and is_valid(ctx.document.data):
            return []
    instance = ctx.document.data
    errors = validator(kind).iter_errors(instance)
    found: dict[tuple[Any, ...], Diagnostic] = {}
    for error in errors:
        for diagnostic in _platform_reading(kind, error, _diagnostics(ctx, error, instance)):
            found.setdefault((diagnostic.span, diagnostic.code, diagnostic.message), diagnostic)
    return list(found.values())


def _field_annotations(kind: str, path: list[Any]) -> tuple[str | None, str | None, str | None]:
    """The ``x-lenient``/``x-strict`` note (and ``x-fix``) of the field that holds ``path``.

    Followed from the file's root through ``properties`` only (the top-level fields of
    pack.yaml and action files carry them); the innermost note wins.
    """
    from attune_lint.schemas import schema

    node: Any = schema(kind)
    lenient = strict = fix = None
    for step in path:
        properties = node.get("properties") if isinstance(node, dict) else None
        if not isinstance(step, str) or not isinstance(properties, dict) or step not in properties:
            break
        node = properties[step]
        if isinstance(node, dict):
            if "x-lenient" in node:
                lenient, strict, fix = node["x-lenient"], None, node.get("x-fix")
            if "x-strict" in node:
                lenient, strict, fix = None, node["x-strict"], node.get("x-fix")
    return lenient, strict, fix


def _platform_reading(kind: str, error: Any, diagnostics: Iterable[Diagnostic]) -> Iterator[Diagnostic]:
    """Severity by what the platform does with the value (the policy in AL202's doc).

    A wrong type in a field the platform reads leniently (``x-lenient``) is dropped or
    stored silently: a warning that says so. A value the platform refuses (``x-strict``) is
    an error, an unquoted number or boolean included.
    """
    for diagnostic in diagnostics:
        path = [p for p in error.absolute_path]
        if diagnostic.code not in (WRONG_TYPE.code, UNQUOTED_STRING.code):
            yield diagnostic
            continue
        lenient, strict, fix = _field_annotations(kind, path)
        if lenient is not None and diagnostic.code == WRONG_TYPE.code:
            yield replace(diagnostic, severity=Severity.WARNING,
                          message=f"{diagnostic.message}; the platform ignores it ({lenient})",
                          suggestion=fix or diagnostic.suggestion)
        elif strict is not None:
            yield replace(diagnostic, severity=Severity.ERROR, message=f"{diagnostic.message}; {strict}",
                          suggestion=fix or diagnostic.suggestion)
        else:
            yield diagnostic


def _diagnostics(ctx: CheckContext, error: Any, instance: Any) -> Iterator[Diagnostic]:
    path = list(error.absolute_path)
    root = ctx.root
    node = node_at_path(root, path)
    keyword = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    where = _describe_path(path)

    if keyword == "x-ignored":
        key = key_at_path(root, path)
        yield IGNORED_KEY.at(ctx.path, head_span(key or node), f"{where} is ignored by the platform: {error.message}")
    elif keyword == "additionalProperties":
        yield from _unknown_keys(ctx, error, path, node)
    elif keyword == "propertyNames" or "propertyNames" in error.relative_schema_path:
        yield from _bad_key_names(ctx, error, node)
    elif keyword == "required":
        yield from _missing_keys(ctx, error, path, node)
    elif keyword in ("oneOf", "anyOf"):
        yield from _alternatives(ctx, error, instance)
    elif keyword == "type":
        yield _wrong_type(ctx, error, path, node, schema)
    elif keyword == "enum":
        allowed = ", ".join(json.dumps(v) for v in error.validator_value)
        suggestion = _did_you_mean(error.instance, [str(v) for v in error.validator_value])
        yield INVALID_VALUE.at(ctx.path, head_span(node), f"{where} must be one of {allowed}; found {_show(error.instance)}",
                               suggestion)
    elif keyword == "additionalItems" or keyword == "items":
        yield WRONG_TYPE.at(ctx.path, head_span(node), f"{where}: {error.message}")
    else:
        # A list that must be empty is reported at its key (the list may span lines).
        target = (key_at_path(root, path) or node) if keyword == "maxItems" and error.validator_value == 0 else node
        yield INVALID_VALUE.at(ctx.path, head_span(target), _limit_message(where, keyword, error), _expected_hint(schema))


def _unknown_keys(ctx: CheckContext, error: Any, path: list[Any], node: AnyNode | None) -> Iterator[Diagnostic]:
    if not isinstance(node, MappingNode) or not isinstance(error.instance, dict):
        return
    schema = error.schema
    known = list(schema.get("properties", {}))
    patterns = list(schema.get("patternProperties", {}))
    strict = schema.get("x-unknown-keys") == "error"
    import re

    for key_node, _ in node.items():
        key = key_node.value
        if not isinstance(key, str) or key in known or any(re.search(p, key) for p in patterns):
            continue
        if key == "<<":
            continue  # reported as merge-key by the loader
        where = _describe_path(path) if path else "the top level"
        suggestion = _did_you_mean(key, known)
        if strict:
            message = f"unknown key {key!r} in {where}: the platform rejects unknown keys here"
        else:
            message = f"unknown key {key!r} in {where}: the platform ignores it"
        if not suggestion and known:
            suggestion = "known keys: " + ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
        yield UNKNOWN_KEY.at(ctx.path, key_node.span, message, suggestion,
                             severity=Severity.ERROR if strict else None)


def _bad_key_names(ctx: CheckContext, error: Any, node: AnyNode | None) -> Iterator[Diagnostic]:
    """jsonschema reports a bad key name on the mapping, with the name as the instance."""
    bad = error.instance
    if isinstance(node, MappingNode):
        for key_node, _ in node.items():
            if key_node.value == bad:
                if list(error.absolute_path)[-1:] == ["vars"]:
                    detail = "variable names may hold only letters, digits, '_' and '-'"
                else:
                    detail = _expected_hint(error.schema) or error.message
                yield INVALID_VALUE.at(ctx.path, key_node.span, f"invalid name {bad!r}: {detail}")
                return


def _missing_keys(ctx: CheckContext, error: Any, path: list[Any], node: AnyNode | None) -> Iterator[Diagnostic]:
    present = set(error.instance) if isinstance(error.instance, dict) else set()
    where = _describe_path(path) if path else "the file"
    for key in error.validator_value:
        if key in present:
            continue
        hint = None
        properties = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        prop = properties.get(key) if isinstance(properties.get(key), dict) else {}
        described = prop.get("description")
        if described:
            hint = f"add '{key}': {described}"
        message = f"{where} is missing the required key {key!r}"
        consequence = prop.get("x-missing")
        if consequence:
            message += ": " + consequence.replace("{file}", ctx.file_path.name)
        yield MISSING_KEY.at(ctx.path, head_span(node), message, hint)


def _alternatives(ctx: CheckContext, error: Any, instance: Any) -> Iterator[Diagnostic]:
    """One sentence for a oneOf/anyOf: descend into the branch of the right kind if any."""
    branch_errors = _matching_branch_errors(error)
    if branch_errors:
        for sub in branch_errors:
            yield from _diagnostics(ctx, sub, instance)
        return
    path = list(error.absolute_path)
    node = node_at_path(ctx.root, path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    expected = schema.get("x-expected") or _branch_types(error.validator_value)
    yield _type_or_value(ctx, path, node, expected, schema, error.instance)


def _matching_branch_errors(error: Any) -> list[Any]:
    """Errors of the single branch whose type matches the instance, when there is one."""
    by_branch: dict[int, list[Any]] = {}
    for sub in error.context or []:
        by_branch.setdefault(sub.schema_path[0] if sub.schema_path else 0, []).append(sub)
    candidates = []
    for index, branch in enumerate(error.validator_value):
        subs = by_branch.get(index, [])
        if not any(s.validator == "type" and not s.relative_path for s in subs) and subs:
            candidates.append(subs)
    if len(candidates) == 1:
        return candidates[0]
    return []


def _branch_types(branches: list[Any]) -> str:
    names = []
    for branch in branches:
        if isinstance(branch, dict):
            if "x-expected" in branch:
                names.append(branch["x-expected"])
            elif "type" in branch:
                types = branch["type"] if isinstance(branch["type"], list) else [branch["type"]]
                names.extend(_JSON_TYPE_NAMES.get(t, t) for t in types)
            elif "const" in branch:
                names.append(json.dumps(branch["const"]))
    unique = list(dict.fromkeys(names))
    return " or ".join(unique) if unique else "a different value"


def _wrong_type(ctx: CheckContext, error: Any, path: list[Any], node: AnyNode | None, schema: dict[str, Any]) -> Diagnostic:
    types = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
    expected = schema.get("x-expected") or " or ".join(_JSON_TYPE_NAMES.get(t, t) for t in types)
    return _type_or_value(ctx, path, node, expected, schema, error.instance, types)


def _type_or_value(ctx: CheckContext, path: list[Any], node: AnyNode | None, expected: str,
                   schema: dict[str, Any], value: Any, types: list[str] | None = None) -> Diagnostic:
    where = _describe_path(path) if path else "the file"
    legacy = schema.get("x-legacy")
    if types == ["string"] and isinstance(node, ScalarNode) and node.is_plain \
            and value is not None and not isinstance(value, str):
        message = f"{where} is a string, but YAML reads the unquoted {node.text} as {_show(value)}"
        return UNQUOTED_STRING.at(ctx.path, head_span(node), message, f'quote it: "{node.text}"')
    return WRONG_TYPE.at(ctx.path, head_span(node), f"{where} must be {expected}; found {_kind(value)}", legacy)


def _limit_message(where: str, keyword: str, error: Any) -> str:
    limit = error.validator_value
    value = _show(error.instance)
    invalid = error.schema.get("x-invalid") if isinstance(error.schema, dict) else None
    if invalid:
        return f"{where} {invalid}"
    messages = {
        "minimum": f"{where} must be at least {limit}; found {value}",
        "maximum": f"{where} must be at most {limit}; found {value}",
        "exclusiveMinimum": f"{where} must be greater than {limit}; found {value}",
        "exclusiveMaximum": f"{where} must be less than {limit}; found {value}",
        "minLength": f"{where} must have at least {limit} character{'s' if limit != 1 else ''}",
        "maxLength": f"{where} must have at most {limit} characters; found {len(error.instance) if isinstance(error.instance, str) else '?'}",
        "minItems": f"{where} must have at least {limit} item{'s' if limit != 1 else ''}",
        "maxItems": f"{where} must be empty here" if limit == 0 else f"{where} must have at most {limit} items",
        "minProperties": f"{where} must have at least {limit} key{'s' if limit != 1 else ''}",
        "maxProperties": f"{where} must have at most {limit} key{'s' if limit != 1 else ''}",
        "pattern": f"{where} has an invalid format: {value}",
        "const": f"{where} must be {_show(limit)}; found {value}",
    }
    return messages.get(keyword, f"{where}: {error.message}")


def _expected_hint(schema: Any) -> str | None:
    if isinstance(schema, dict):
        return schema.get("x-expected") or schema.get("description")
    return None


def _did_you_mean(word: Any, candidates: list[str]) -> str | None:
    match = closest(word, candidates)
    return f"did you mean {match!r}?" if match else None


def _describe_path(path: list[Any]) -> str:
    if not path:
        return "the file"
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return f"'{text}'"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {_show(value)}"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, float) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
