"""The effective settings of a run (what configuration files and flags resolve to).

Reading them from ``pyproject.toml`` / ``.attune-lint.yaml`` is the job of ``config``;
checks and reporters only consume this record.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .diagnostics import Diagnostic, Severity
from .yaml_loader import DEFAULT_MAX_FILE_SIZE


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
            from fnmatch import fnmatch

            for pattern, codes in self.per_file_ignores:
                if fnmatch(diagnostic.path, pattern) and self._matches(codes, diagnostic):
                    return None
        for name, severity in self.severity_overrides:
            if name.lower() in (diagnostic.code.lower(), diagnostic.rule.lower()):
                return diagnostic.with_severity(severity)
        return diagnostic

    def fails(self, diagnostics: list[Diagnostic]) -> bool:
        return any(d.severity >= self.fail_on for d in diagnostics)
