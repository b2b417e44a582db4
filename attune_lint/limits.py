"""Limits the platform applies when it reads a file, shared by every stage that reads one."""
from __future__ import annotations

# Attune refuses workflow files larger than this (attune-format.md §1.4).
DEFAULT_MAX_FILE_SIZE = 1024 * 1024
# Aliases may expand a small file into a huge tree (a "billion laughs"); past this many
# nodes the file is reported instead of expanded.
MAX_EXPANDED_NODES = 100_000
# serde_yaml, which Attune reads YAML with, refuses a document nested deeper than this
# ("recursion limit exceeded"); the linter stops there too, which also keeps every walk
# over the tree far from Python's recursion limit.
MAX_NESTING = 128
