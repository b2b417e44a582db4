"""The exit status of every command: 0 nothing at the failing severity, 1 findings (or a
failed registration), 2 a usage error, an unusable database or an internal error."""
from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
