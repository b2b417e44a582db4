"""What an item kind is: the file roles, the ``ItemKind`` record and the exception its
``run`` raises.

The contract between the collection (which files, which kinds the session holds), the
items (which run the kinds) and other plugins adding kinds. It sits below all of them
so that their imports run one way: collection and items both import this module, this
module imports neither (``AttuneItem`` is named for the type checker only).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Literal

if TYPE_CHECKING:
    from pytest_attune.items import AttuneItem

# workflow: a workflow file; pack: the file carrying a pack's own findings (pack.yaml);
# action: an action file named on the command line (its own findings only).
FileRole = Literal["workflow", "pack", "action"]


class AttuneFindings(Exception):
    """Raised by an item whose check failed; its text is the whole failure report."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclass(frozen=True)
class ItemKind:
    """One check a collected file gets as an item named ``name``.

    ``run`` raises ``AttuneFindings`` (or calls ``pytest.skip``) and may append to the
    item's ``user_properties``; ``markers`` are added to every item of the kind.
    """

    name: str
    roles: tuple[FileRole, ...]
    run: Callable[[AttuneItem], None]
    markers: tuple[str, ...] = ()
