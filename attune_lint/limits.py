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
# The files the linter reads for itself (configuration, baseline, cache entries and index):
# far larger than any real one, small enough that a link to /dev/zero cannot exhaust memory.
MAX_SIDE_FILE_SIZE = 64 * 1024 * 1024
# The largest --max-file-size accepted: 1 GiB, a thousand times the platform's limit.
MAX_FILE_SIZE_SETTING = 1024 * 1024 * 1024
