"""The effective settings of a run (what configuration files and flags resolve to).

Reading them from ``pyproject.toml`` / ``.attune-lint.yaml`` is the job of ``config``;
checks and reporters only consume this record.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath

from attune_lint.diagnostics import Diagnostic, Severity
from attune_lint.limits import DEFAULT_MAX_FILE_SIZE


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ()            # codes or rule names; empty = all rules
    ignore: tuple[str, ...] = ()
    severity_overrides: tuple[tuple[str, Severity], ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (glob, codes)
    exclude: tuple[str, ...] = ()           # globs of paths never checked
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    external_actions: tuple[str, ...] = ()  # action refs known to exist outside the run
    strict_external_actions: bool = False   # unknown actions of other packs are errors
    fail_on: Severity = Severity.ERROR
    # The folder of the configuration file: globs (exclude, per_file_ignores) are relative
    # to it, so a run started from a subfolder matches the same files. None: the cwd.
    root: str | None = None
    origins: dict[str, str] = field(default_factory=dict, compare=False)  # setting → where it came from

    def _matches(self, names: tuple[str, ...], diagnostic: Diagnostic) -> bool:
        wanted = {n.lower() for n in names}
        return diagnostic.code.lower() in wanted or diagnostic.rule.lower() in wanted

    def apply(self, diagnostic: Diagnostic) -> Diagnostic | None:
        """The diagnostic as this configuration wants it, or None when switched off."""
        if self.select and not self._matches(self.select, diagnostic):
            return None
        if self.ignore and self._matches(self.ignore, diagnostic):
            return None
        if self.per_file_ignores:
            for pattern, codes in self.per_file_ignores:
                if self._matches(codes, diagnostic) and path_matches(diagnostic.path, pattern, self.root):
                    return None
        for name, severity in self.severity_overrides:
            if name.lower() in (diagnostic.code.lower(), diagnostic.rule.lower()):
                return diagnostic.with_severity(severity)
        return diagnostic

    def excludes(self, path: str) -> bool:
        """Whether ``path`` (as shown, relative to the cwd or absolute) is excluded."""
        return any(path_matches(path, pattern, self.root, folders=True) for pattern in self.exclude)

    def fails(self, diagnostics: list[Diagnostic]) -> bool:
        return any(d.severity >= self.fail_on for d in diagnostics)


def _candidates(path: str, root: str | None) -> list[str]:
    """The spellings of ``path`` a glob may be written against: as shown, and relative to root."""
    shown = Path(path)
    spellings = [shown.as_posix()]
    if root is not None:
        absolute = Path(os.path.abspath(shown))
        try:
            spellings.append(absolute.relative_to(os.path.abspath(root)).as_posix())
        except ValueError:
            pass
    return spellings


def path_matches(path: str, pattern: str, root: str | None = None, folders: bool = False) -> bool:
    """fnmatch-style glob test (``*`` also crosses ``/``; a leading ``**/`` is optional).

    With ``folders``, a pattern naming a folder also matches everything below it.
    """
    patterns = {pattern.rstrip("/")}
    if pattern.startswith("**/"):
        patterns.add(pattern[3:])
    for spelling in _candidates(path, root):
        names = [spelling]
        if folders:
            parts = PurePosixPath(spelling).parts
            names.extend("/".join(parts[:i]) for i in range(1, len(parts)))
        if any(fnmatchcase(name, p) for name in names for p in patterns):
            return True
    return False
