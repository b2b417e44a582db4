"""Baseline: accept today's findings and report only new ones.

A finding is recorded by its file, its code and the text of its source line (stripped),
not by its line number, so lines inserted or removed above it do not bring it back.
Identical records are counted: two equal findings on two equal lines need two entries.
Paths are stored relative to the baseline file's folder, so the baseline works from any
current folder.
"""
from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from attune_lint.diagnostics import Diagnostic
from attune_lint.files import read_regular, write_atomic
from attune_lint.limits import MAX_SIDE_FILE_SIZE

FORMAT_VERSION = 1
Key = tuple[str, str, str]          # (path relative to the baseline's folder, code, line text)
LineLookup = Callable[[str, int], str]


class BaselineError(Exception):
    """The baseline file cannot be read; str() is ``file: message``."""


@dataclass
class BaselineOutcome:
    new: list[Diagnostic]   # findings not in the baseline (what the run reports)
    hidden: int             # findings the baseline knew
    disappeared: int        # baseline entries no finding matched any more (fixed)


def _relative(path: str, folder: Path) -> str:
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(folder).as_posix()
    except ValueError:
        return absolute.as_posix()


def key_of(diagnostic: Diagnostic, line_of: LineLookup, folder: Path) -> Key:
    return (_relative(diagnostic.path, folder), diagnostic.code, line_of(diagnostic.path, diagnostic.line).strip())


def build(diagnostics: Iterable[Diagnostic], line_of: LineLookup, baseline_file: Path) -> dict[str, object]:
    """The JSON document of a baseline recording ``diagnostics``."""
    folder = Path(os.path.abspath(baseline_file)).parent
    counts = Counter(key_of(d, line_of, folder) for d in diagnostics)
    messages: dict[Key, str] = {}
    for d in diagnostics:
        messages.setdefault(key_of(d, line_of, folder), d.message)
    findings = [
        {"path": path, "code": code, "line": text, "count": count, "message": messages[(path, code, text)]}
        for (path, code, text), count in sorted(counts.items())
    ]
    return {"version": FORMAT_VERSION, "tool": "attune-lint", "findings": findings}


def write(diagnostics: Iterable[Diagnostic], line_of: LineLookup, baseline_file: Path) -> int:
    """Record ``diagnostics`` in ``baseline_file`` (atomically); returns how many."""
    document = build(list(diagnostics), line_of, baseline_file)
    write_atomic(Path(baseline_file), json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return sum(int(f["count"]) for f in document["findings"])  # type: ignore[union-attr, index]


def read(baseline_file: Path) -> Counter[Key]:
    """The recorded findings with their counts."""
    try:
        document = json.loads(read_regular(baseline_file, MAX_SIDE_FILE_SIZE).decode("utf-8"))
    except RecursionError:
        raise BaselineError(f"{baseline_file}: not a baseline file (nested too deeply)") from None
    except OSError as exc:
        raise BaselineError(f"{baseline_file}: cannot read baseline: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{baseline_file}: not a baseline file (invalid JSON: {exc})") from None
    if not isinstance(document, dict) or document.get("version") != FORMAT_VERSION \
            or not isinstance(document.get("findings"), list):
        raise BaselineError(f"{baseline_file}: not an attune-lint baseline (version {FORMAT_VERSION})")
    counts: Counter[Key] = Counter()
    for number, entry in enumerate(document["findings"], start=1):
        try:
            key = (str(entry["path"]), str(entry["code"]), str(entry["line"]))
            counts[key] += int(entry.get("count", 1))
        except (KeyError, TypeError, ValueError, AttributeError):
            raise BaselineError(f"{baseline_file}: finding {number} lacks path, code or line") from None
    return counts


def apply(diagnostics: list[Diagnostic], line_of: LineLookup, baseline_file: Path) -> BaselineOutcome:
    """Split ``diagnostics`` into new findings and those the baseline knows."""
    remaining = read(baseline_file)
    folder = Path(os.path.abspath(baseline_file)).parent
    new: list[Diagnostic] = []
    hidden = 0
    for diagnostic in diagnostics:
        key = key_of(diagnostic, line_of, folder)
        if remaining[key] > 0:
            remaining[key] -= 1
            hidden += 1
        else:
            new.append(diagnostic)
    return BaselineOutcome(new, hidden, sum(remaining.values()))
