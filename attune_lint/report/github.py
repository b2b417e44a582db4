"""GitHub Actions workflow commands: one annotation per finding.

    ::error file=PATH,line=L,col=C,endLine=EL,endColumn=EC,title=CODE::message

Values are escaped as the Actions toolkit does it (``%``, CR, LF everywhere; ``:`` and
``,`` too in properties), so a message never breaks the command.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from attune_lint.diagnostics import Diagnostic, Severity
from attune_lint.printable import printable

if TYPE_CHECKING:
    from attune_lint.run.runner import RunResult

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_diagnostic(diagnostic: Diagnostic) -> str:
    span = diagnostic.span
    properties = {
        "file": diagnostic.path,
        "line": max(span.line, 1),
        "col": max(span.column, 1),
        "endLine": max(span.end_line, span.line, 1),
        "endColumn": max(span.end_column, 1),
        "title": diagnostic.code,
    }
    head = ",".join(f"{name}={escape_property(str(value))}" for name, value in properties.items())
    # a job log renders terminal escapes: control characters from the file are escaped
    message = f"{printable(diagnostic.message, newlines=True)} [{diagnostic.rule}]"
    if diagnostic.suggestion:
        message += f"\nhelp: {printable(diagnostic.suggestion, newlines=True)}"
    return f"::{COMMANDS[diagnostic.severity]} {head}::{escape_data(message)}"


def render_run(result: RunResult, colour: bool = False) -> str:
    return "\n".join(format_diagnostic(d) for d in result.diagnostics)
