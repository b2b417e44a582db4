"""SARIF 2.1.0: one run, every rule of the catalog in ``tool.driver.rules``.

Columns are counted in Unicode code points (as the linter counts them), which the run
declares with ``columnKind``. Relative paths are given against ``%SRCROOT%``, the folder
the linter ran in, so code-scanning services map them onto the repository.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from attune_lint import __version__
from attune_lint.diagnostics import Diagnostic, Severity, Span

if TYPE_CHECKING:
    from attune_lint.rule import Rule
    from attune_lint.run.runner import RunResult

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT = "attuneLint/v1"


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    doc = rule.documentation
    first = doc.split("FAIL:", 1)[0].strip()
    full = " ".join(first.split()) if first else rule.summary
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        "help": {"text": doc or rule.summary},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
    }


def _artifact(path: str) -> dict[str, Any]:
    target = Path(path)
    if target.is_absolute():
        return {"uri": target.as_uri()}
    return {"uri": quote(target.as_posix()), "uriBaseId": SRCROOT}


def _region(span: Span) -> dict[str, int]:
    line, column = max(span.line, 1), max(span.column, 1)
    end_line = max(span.end_line, line)
    end_column = max(span.end_column, 1)
    if end_line == line:
        end_column = max(end_column, column)
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def _location(path: str, span: Span) -> dict[str, Any]:
    return {"physicalLocation": {"artifactLocation": _artifact(path), "region": _region(span)}}


def _fix(path: str, fix: Any) -> dict[str, Any]:
    """A SARIF ``fix``: the finding's edits as replacements of regions of its file."""
    replacements = []
    for edit in fix.edits:
        span = fix.index.span(edit)
        replacements.append({
            "deletedRegion": {"startLine": span.line, "startColumn": span.column,
                              "endLine": span.end_line, "endColumn": span.end_column},
            "insertedContent": {"text": edit.new},
        })
    note = "" if fix.spec.safe else " (unsafe: changes what runs; attune-lint fix --unsafe-fixes)"
    return {"description": {"text": fix.spec.description + note},
            "artifactChanges": [{"artifactLocation": _artifact(path), "replacements": replacements}]}


def _result(diagnostic: Diagnostic, index: int | None, line_text: str, fix: Any = None) -> dict[str, Any]:
    text = diagnostic.message
    if diagnostic.suggestion:
        text += f" (help: {diagnostic.suggestion})"
    result: dict[str, Any] = {
        "ruleId": diagnostic.code,
        "level": LEVELS[diagnostic.severity],
        "message": {"text": text},
        "locations": [_location(diagnostic.path, diagnostic.span)],
        # The baseline's identity (file, code, line text): stable when lines move.
        "partialFingerprints": {FINGERPRINT: hashlib.sha256(
            "\0".join((Path(diagnostic.path).as_posix(), diagnostic.code, line_text.strip())).encode()
        ).hexdigest()},
    }
    if index is not None:
        result["ruleIndex"] = index
    if fix is not None:
        result["fixes"] = [_fix(diagnostic.path, fix)]
    if diagnostic.related:
        result["relatedLocations"] = [
            {"id": number, **_location(path, span), "message": {"text": note}}
            for number, (path, span, note) in enumerate(diagnostic.related, start=1)
        ]
    return result


def build(result: RunResult) -> dict[str, Any]:
    from attune_lint.fix.engine import finding_fixes
    from attune_lint.rules.catalog import all_rules

    rules = list(all_rules().values())
    index = {rule.code: number for number, rule in enumerate(rules)}
    fixes = finding_fixes(result)
    results = [_result(d, index.get(d.code), result.line_of(d.path, d.line), fixes.get(number))
               for number, d in enumerate(result.diagnostics)]
    root = Path(os.getcwd()).as_uri().rstrip("/") + "/"
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "attune-lint",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule_descriptor(rule) for rule in rules],
            }},
            "originalUriBaseIds": {SRCROOT: {"uri": root}},
            "columnKind": "unicodeCodePoints",
            "invocations": [{"executionSuccessful": True}],
            "results": results,
        }],
    }


def render_run(result: RunResult, colour: bool = False) -> str:
    return json.dumps(build(result), indent=2, ensure_ascii=False)
