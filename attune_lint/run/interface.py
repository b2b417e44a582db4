"""The other packs of a run, as the checks of one pack see them: their interfaces.

A run checks one pack at a time (``run/parallel.check_share``) and drops its trees
afterwards; a task may still call another pack's action, so every other pack is present
through its interface (its ref and its actions' refs: a few hundred bytes).

Reading an interface means reading that pack's action files. When the pack's own turn
comes soon after (packs often call the next one), those files would be read and composed
twice; ``Neighbours`` keeps the documents of the last few packs read that way, and the
pack's own load takes them instead of reading the files again. At most ``READ_AHEAD_PACKS``
packs' action files are kept, so memory stays bounded by a few packs, not by the run.
"""
from __future__ import annotations

import os
from collections import OrderedDict
from pathlib import Path
from typing import Any

from attune_lint.document.reader import YamlDocument
from attune_lint.run.gc_pause import gc_paused
from attune_lint.workspace import discovery
from attune_lint.workspace.pack import ActionFile, Pack
from attune_lint.workspace.workspace import DocumentStore, load_pack

# Packs whose action files stay composed after their interface was read (each pack's own
# turn usually comes within a pack or two: the bench corpus calls the next pack's actions).
READ_AHEAD_PACKS = 4


def root_key(root: Path | str) -> Path:
    """A pack root as interfaces and read-ahead documents are filed under."""
    return Path(os.path.normpath(root))


class Neighbours:
    """Interfaces of the run's packs by root, and the documents read for the last few of
    them (for one process: a serial run, or one worker)."""

    def __init__(self, read_ahead: int = READ_AHEAD_PACKS) -> None:
        self.interfaces: dict[Path, Pack] = {}
        self._read_ahead = read_ahead
        self._documents: OrderedDict[Path, dict[Path, YamlDocument]] = OrderedDict()

    def interface(self, root: Path, max_file_size: int) -> Pack:
        """``root``'s interface, read on first use."""
        key = root_key(root)
        pack = self.interfaces.get(key)
        if pack is None:
            pack = self.interfaces[key] = LazyPackInterface(root, max_file_size, self)
        return pack

    def remember(self, pack: Pack) -> None:
        """Keep the interface of a pack that was loaded whole."""
        self.interfaces.setdefault(root_key(pack.root), interface_of(pack))

    def keep_documents(self, root: Path, documents: dict[Path, YamlDocument]) -> None:
        if self._read_ahead <= 0:
            return
        key = root_key(root)
        self._documents[key] = documents
        self._documents.move_to_end(key)
        while len(self._documents) > self._read_ahead:
            self._documents.popitem(last=False)

    def take_documents(self, roots: list[Path]) -> dict[Path, YamlDocument]:
        """The documents kept for these packs, handed over once (then forgotten)."""
        taken: dict[Path, YamlDocument] = {}
        for root in roots:
            taken.update(self._documents.pop(root_key(root), {}))
        return taken


def _stub_document(path: str) -> YamlDocument:
    return YamlDocument(path, None, None, [])


class PackInterface(Pack):
    """What the checks of *other* packs read of a pack (``rules/references.py``: the pack
    ref and its actions' refs), without trees or text: a few hundred bytes per pack."""

    @property
    def holds_trees(self) -> bool:
        return False


def interface_of(pack: Pack) -> PackInterface:
    """``pack``'s interface."""
    ref = pack.manifest_data.get("ref")
    actions = [ActionFile(a.path, _stub_document(a.document.path), {"ref": a.ref} if a.ref else {})
               for a in pack.actions]
    return PackInterface(root=pack.root, manifest_path=pack.manifest_path, manifest=None,
                         manifest_data={"ref": ref} if isinstance(ref, str) else {}, actions=actions)


class LazyPackInterface(PackInterface):
    """Another pack's interface, read on first use: ``ref`` from pack.yaml at once, the
    action refs only when a check asks (then the action files are read, reduced to their
    refs, and their documents left with ``neighbours`` for the pack's own turn)."""

    def __init__(self, root: Path, max_file_size: int, neighbours: Neighbours | None = None) -> None:
        manifest_path = root / discovery.MANIFEST
        ref = None
        if manifest_path.is_file():
            ref = DocumentStore(max_file_size).get(manifest_path, root).data.get("ref")
        super().__init__(root=root, manifest_path=manifest_path, manifest=None,
                         manifest_data={"ref": ref} if isinstance(ref, str) else {})
        self._max_file_size = max_file_size
        self._neighbours = neighbours

    @property  # type: ignore[override]
    def actions(self) -> list[Any]:
        loaded = self.__dict__.get("_actions")
        if loaded is None:
            store = DocumentStore(self._max_file_size)
            with gc_paused():
                full = load_pack(self.root, store)
                loaded = self.__dict__["_actions"] = interface_of(full).actions
            if self._neighbours is not None:
                self._neighbours.keep_documents(self.root, store.documents())
        return loaded

    @actions.setter
    def actions(self, value: list[Any]) -> None:
        # The dataclass __init__ assigns the default []; keep it lazy until read.
        self.__dict__["_actions"] = value or None
