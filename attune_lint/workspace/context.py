"""Which action files a check of some workflow files of a pack needs (the pre-commit case).

A workflow file's findings depend on its pack's action files in two ways only: the action
whose ``workflow_file`` links it (a graph file), and the refs of its own pack's actions
that its tasks call (``rules/references.py``: an unknown one is a finding, with the closest
known ref). Reading and composing every action file of a large pack costs more than the
rest of a one-file check, so a check of workflow files reads only the action files whose
text names one of those: the graph file's name or a called ref.

A file whose parsed ``ref`` or ``workflow_file`` equals a string holds that string in its
bytes, unless YAML escapes it (a backslash in a double-quoted scalar): a file with a
backslash is read too. Any doubt reads every action file, as a full run does: a checked
file that is not a workflow or pack.yaml (an action file re-checks every workflow), a
called ref or file name with characters YAML could spell otherwise, and a called ref that
none of the files read declares (the finding then lists the closest of all refs).
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from attune_lint.document.tree import MappingNode, ScalarNode, walk
from attune_lint.workspace.discovery import PackFiles

if TYPE_CHECKING:
    from attune_lint.workspace.pack import Pack
    from attune_lint.workspace.workspace import DocumentStore

# What a plain, quoted or block scalar can only spell as itself.
_LITERAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\Z")


def needed_actions(pack: Pack, files: PackFiles, checked: Iterable[Path], store: DocumentStore) -> list[Path] | None:
    """The action files (in ``files.actions`` order) that checking ``checked`` needs, or
    None when every one is needed. Reads the checked workflow files through ``store``."""
    norm = _norm
    workflows = {norm(p) for p in (*files.standalone, *files.graphs)}
    graphs = {norm(p) for p in files.graphs}
    manifest = norm(files.manifest)
    names: set[str] = set()
    refs: set[str] = set()
    for path in checked:
        key = norm(path)
        if key == manifest:
            continue  # pack.yaml's checks read no action file
        if key not in workflows:
            return None
        if key in graphs:
            names.add(os.path.basename(key))
        refs.update(_own_pack_calls(store.get(path, pack.root).mapping, pack.ref))
    needles = names | refs
    if not all(_LITERAL.match(needle) for needle in needles):
        return None
    if not needles:
        return []
    wanted = [needle.encode() for needle in needles]
    kept = [path for path in files.actions if _names_any(store.bytes_of(path, pack.root), wanted)]
    declared = {store.get(path, pack.root).data.get("ref") for path in kept}
    return kept if refs <= declared else None


def _own_pack_calls(root: MappingNode | None, pack_ref: str) -> Iterator[str]:
    """Every ``action`` value anywhere in the file (a superset of the tasks' actions) that
    the reference check looks up among the pack's own actions."""
    for node in walk(root):
        if not isinstance(node, MappingNode):
            continue
        for key, value in node.pairs:  # every pair: a duplicate key too
            if (isinstance(key, ScalarNode) and key.value == "action"
                    and isinstance(value, ScalarNode) and isinstance(value.value, str)):
                ref = value.value.strip()
                segments = ref.split(".")
                if "{{" not in ref and len(segments) >= 2 and all(segments) and segments[0] == pack_ref:
                    yield ref


def _names_any(data: bytes | None, needles: list[bytes]) -> bool:
    """Whether an action file's bytes hold a needle (or an escape that could spell one);
    False for a file the store would not parse (None: its document then has no data)."""
    return data is not None and (b"\\" in data or any(needle in data for needle in needles))


def _norm(path: Path) -> Path:
    return Path(os.path.abspath(path))
