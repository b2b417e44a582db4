"""Packs for the plugin tests (every file's content beside its expected findings) and
helpers that read pytester results."""
from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "packs"

# Installed plugins unrelated to ours that cost over a second of start-up per run.
QUIET_PLUGINS = ("-p", "no:hypothesispytest", "-p", "no:benchmark")

PACK_YAML = """\
ref: shop
label: "Shop"
description: "Test pack"
version: "1.0.0"
"""

# The ref differs from the file name so that selecting by ref is told apart from
# selecting by node name.
ORDER_ACTION = """\
ref: shop.place_order
label: "Place order"
description: "Place an order"
enabled: true
workflow_file: workflows/order.workflow.yaml
"""

ORDER_GRAPH = """\
version: "1.0"
tasks:
  - name: start
    action: core.echo
    input:
      message: "ordering"
"""

# A transition to a task that does not exist (an error) on line 10, column 13.
BAD_STANDALONE = """\
ref: shop.bad
label: "Bad"
version: "1.0"
tasks:
  - name: first
    action: core.echo
    next:
      - when: "{{ succeeded() }}"
        do:
          - missing_task
"""

# Valid but for an unquoted version (a warning), line 3 column 10.
WARN_STANDALONE = """\
ref: shop.warn
label: "Warn"
version: 1.10
tasks:
  - name: only
    action: core.echo
"""

# Does not parse (line 6 is indented one space less than its task): line 6, column 4.
SYNTAX_STANDALONE = """\
ref: shop.syntax
label: "Syntax"
version: "1.0"
tasks:
  - name: a
   action: core.echo
"""

FILES = {
    "pack.yaml": PACK_YAML,
    "actions/order.yaml": ORDER_ACTION,
    "actions/workflows/order.workflow.yaml": ORDER_GRAPH,
    "workflows/bad.yaml": BAD_STANDALONE,
    "workflows/warn.yaml": WARN_STANDALONE,
    "workflows/syntax.yaml": SYNTAX_STANDALONE,
}


TOOLS_FILES = {
    "pack.yaml": PACK_YAML.replace("shop", "tools").replace("Shop", "Tools"),
    "workflows/clean.yaml": WARN_STANDALONE.replace("shop.warn", "tools.clean").replace("1.10", '"1.0"'),
}


def write_pack(root: Path, files: dict[str, str] | None = None) -> Path:
    for relative, text in (FILES if files is None else files).items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def outcomes(result: pytest.RunResult) -> dict[str, str]:
    """``{nodeid: PASSED|FAILED|...}`` from a run made with ``-rA``."""
    found: dict[str, str] = {}
    words = ("PASSED", "FAILED", "ERROR", "SKIPPED", "XFAIL", "XPASS")
    for line in result.outlines:
        word, _, rest = line.partition(" ")
        if word in words and "::" in rest:
            found[rest.split(" - ")[0].strip()] = word
    return found


def collected_ids(result: pytest.RunResult) -> set[str]:
    """Node ids printed by ``--collect-only -q``."""
    return {line.strip() for line in result.outlines if "::" in line and " " not in line.strip()}
