"""JUnit XML: one test case per checked file, failed when it has findings at or above the
failing severity (lower findings are listed in its ``system-out``)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TYPE_CHECKING

from attune_lint.diagnostics import Diagnostic

if TYPE_CHECKING:
    from attune_lint.run.runner import RunResult

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _line(diagnostic: Diagnostic) -> str:
    text = f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}: {diagnostic.severity.label} " \
           f"{diagnostic.code} {diagnostic.message}"
    if diagnostic.suggestion:
        text += f"\n  = help: {diagnostic.suggestion}"
    return text


def build(result: RunResult) -> ET.Element:
    by_path: dict[str, list[Diagnostic]] = defaultdict(list)
    for diagnostic in result.diagnostics:
        by_path[diagnostic.path].append(diagnostic)
    paths = list(dict.fromkeys([t.display for t in result.workspace.targets] + list(by_path)))
    fail_on = result.settings.fail_on
    per_file = result.seconds / len(paths) if paths else 0.0
    suites = ET.Element("testsuites", name="attune-lint")
    suite = ET.SubElement(suites, "testsuite", name="attune-lint")
    failures = 0
    for path in paths:
        found = by_path.get(path, [])
        case = ET.SubElement(suite, "testcase", classname="attune-lint", name=_clean(path), file=_clean(path),
                             time=f"{per_file:.3f}")
        failing = [d for d in found if d.severity >= fail_on]
        if failing:
            failures += 1
            codes = ", ".join(dict.fromkeys(d.code for d in failing))
            failure = ET.SubElement(case, "failure", type=codes,
                                    message=_clean(f"{len(failing)} finding{'s' if len(failing) != 1 else ''}"
                                                   f" at or above {fail_on.label}: {codes}"))
            failure.text = _clean("\n".join(_line(d) for d in failing))
        others = [d for d in found if d.severity < fail_on]
        if others:
            ET.SubElement(case, "system-out").text = _clean("\n".join(_line(d) for d in others))
    for element in (suites, suite):
        element.set("tests", str(len(paths)))
        element.set("failures", str(failures))
        element.set("errors", "0")
        element.set("time", f"{result.seconds:.3f}")
    suite.set("skipped", "0")
    return suites


def render_run(result: RunResult, colour: bool = False) -> str:
    tree = build(result)
    ET.indent(tree)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(tree, encoding="unicode")
