"""The collected nodes: one ``pytest.File`` per workflow file or pack host, one item per
check kind.

Item kinds (``pytest_attune.kinds``) form a registry on the session state
(``AttuneSession.item_kinds``): this module declares ``validate``; the database stage's
``register`` kind (``pytest_attune.register_item``) is appended by the plugin's
``pytest_configure`` without touching these classes.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import pytest

from pytest_attune.collection import PackCheck, state_of
# AttuneFindings and ItemKind are also reached through this module by other plugins.
from pytest_attune.kinds import AttuneFindings, FileRole, ItemKind

if TYPE_CHECKING:
    from attune_lint.diagnostics import Diagnostic


class AttuneFile(pytest.File):
    """A workflow file (``role == "workflow"``) or the file carrying a pack's own
    findings (``role == "pack"``: ``pack.yaml``)."""

    def __init__(self, *, role: FileRole, pack_root: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.role = role
        self.pack_root = pack_root
        # The keywords that -k matches are the item's (its refs and pack); a file node
        # would otherwise keep an empty set of its own for the whole session.
        self.extra_keyword_matches = _NO_KEYWORDS  # type: ignore[assignment]

    def collect(self) -> Iterator[AttuneItem]:
        state = state_of(self.config)
        check = state.check(self.pack_root)
        if not check.in_shard or not check.is_checked(self.path):
            return
        for kind in state.item_kinds:
            if self.role in kind.roles:
                yield AttuneItem.from_parent(self, name=kind.name, kind=kind, check=check)


_NO_KEYWORDS: frozenset[str] = frozenset()
_KIND_PROPERTY: dict[str, tuple[str, str]] = {role: ("attune_kind", role) for role in ("workflow", "pack", "action")}


class AttuneItem(pytest.Item):
    """One check of one file. Keywords: the workflow refs and the pack name (for ``-k``);
    markers: ``attune`` and ``attune_pack(name=...)`` (for ``-m``)."""

    parent: AttuneFile

    def __init__(self, *, kind: ItemKind, check: PackCheck, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kind = kind
        self.check = check
        if self.role == "workflow":
            self.refs = check.refs(self.path)
        else:  # an action file's ref; none for pack.yaml
            ref = check.action_ref(self.path) if self.role == "action" else None
            self.refs = (ref,) if ref else ()
        self.extra_keyword_matches.update({*self.refs, self.pack_name})
        # Every item lives until the session ends (and so do its three reports): the marks
        # and property tuples its pack or kind shares are one object each, not one per item.
        marks = state_of(self.config).marks
        self.add_marker(marks["attune"])
        self.add_marker(check.mark)
        for marker in kind.markers:
            self.add_marker(marks.setdefault(marker, getattr(pytest.mark, marker)))
        self.user_properties.append(_KIND_PROPERTY[self.role])
        self.user_properties.append(check.pack_property)
        for ref in self.refs:
            self.user_properties.append(("attune_ref", ref))
        self._report_records: tuple[dict[str, Any], list[Any], list[Any]] | None = None

    @property
    def role(self) -> FileRole:
        return self.parent.role

    @property
    def pack_name(self) -> str:
        return self.check.name

    def share_report_records(self, report: pytest.TestReport) -> None:
        """pytest keeps every report until the session ends, three per item (setup, call,
        teardown), each with its own copies of the item's keywords (``{keyword: 1}``), user
        properties and captured sections: the reports of this item share one of each of
        those that are equal instead."""
        shared = self._report_records
        if shared is not None:  # the previous phase's (a warning recorded in the call
            keywords, properties, sections = shared  # changes the properties from then on)
            if keywords == report.keywords:
                report.keywords = keywords
            if properties == report.user_properties:
                report.user_properties = properties
            if sections == report.sections:
                report.sections = sections
        # Kept from setup to teardown only: the reports hold them from then on.
        last = report.when == "teardown"
        self._report_records = None if last else (report.keywords, report.user_properties, report.sections)

    def findings(self) -> list[Diagnostic]:
        """This file's findings as the project's configuration leaves them."""
        return self.check.findings(self.path, own=self.role == "action")

    def failing(self) -> list[Diagnostic]:
        result = self.check.result
        if result is None:
            return []
        return [d for d in self.findings() if result.settings.fails([d])]

    def runtest(self) -> None:
        self.kind.run(self)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str | Any:
        if isinstance(excinfo.value, AttuneFindings):
            return excinfo.value.text
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        shown = self.failing() or self.findings()
        line = shown[0].line - 1 if shown else 0
        if self.role == "pack":
            what = f"pack {self.pack_name}"
        else:
            what = ", ".join(self.refs) or self.path.name
        label = "attune" if self.kind is VALIDATE else f"attune {self.name}"
        return self.path, max(line, 0), f"{label}: {what}"


def run_validate(item: AttuneItem) -> None:
    """Fail with the linter's own text when the file has findings at or above the
    failing severity; record the others as ``attune_warning`` properties."""
    from attune_lint.report.text import format_diagnostic

    check = item.check
    if check.error is not None:
        raise AttuneFindings(f"attune-lint failed while checking the pack at {check.root}:\n{check.error}")
    failing = item.failing()
    for diagnostic in item.findings():
        if diagnostic not in failing:
            item.user_properties.append(("attune_warning", format_diagnostic(diagnostic, check.line_of)))
    if failing:
        raise AttuneFindings("\n".join(format_diagnostic(d, check.line_of) for d in failing))


VALIDATE = ItemKind(name="validate", roles=("workflow", "pack", "action"), run=run_validate)
