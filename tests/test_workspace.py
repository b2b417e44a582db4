"""The workspace: what a run loaded, and the lookups rules make on it."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from attune_lint.workspace.pack import Pack
from attune_lint.workspace.workspace import Workspace, display_path, link_outside


def _pack(name: str) -> Pack:
    return Pack(root=Path(name), manifest_path=Path(name) / "pack.yaml", manifest=None, manifest_data={"ref": name})


def test_packs_by_ref_is_built_once_per_list_of_packs() -> None:
    """Reference checks ask once per workflow: with 10,000 packs a dict per call was quadratic."""
    workspace = Workspace(packs=[_pack("a"), _pack("b")])
    first = workspace.packs_by_ref()
    assert first == {"a": workspace.packs[0], "b": workspace.packs[1]}
    assert workspace.packs_by_ref() is first  # the same dict, not a new one per call
    workspace.packs.append(_pack("c"))
    assert set(workspace.packs_by_ref()) == {"a", "b", "c"}  # a changed list is seen
    workspace.packs = [_pack("z")]
    assert set(workspace.packs_by_ref()) == {"z"}


def test_a_pack_folder_that_cannot_be_listed_is_reported(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """As root a chmod 000 folder is still readable, so the refusal is simulated where the
    listing happens (os.scandir)."""
    import os

    from attune_testkit import lint_pack

    real_scandir = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if str(path).endswith("workflows"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    (tmp_path / "acme" / "workflows").mkdir(parents=True)
    monkeypatch.setattr(os, "scandir", scandir)
    result = lint_pack(tmp_path, {"workflows/w.yaml": "tasks: []\n"})
    found = [(d.path.rsplit("acme/", 1)[-1], d.code, d.message) for d in result.diagnostics]
    assert ("workflows", "AL109",
            "cannot read the folder (Permission denied): none of its files were checked") in found
    assert result.failed  # not a silent exit 0


@pytest.mark.parametrize("cwd, path, shown", [
    ("/work/repo", "/work/repo/packs/a.yaml", "packs/a.yaml"),
    ("/work/repo", "/work/repo", "."),
    ("/work/repo", "/work/repository/a.yaml", "/work/repository/a.yaml"),  # a sibling, not below
    ("/work/repo", "/elsewhere/a.yaml", "/elsewhere/a.yaml"),
    ("/", "/tmp/a.yaml", "tmp/a.yaml"),
    ("/work/repo", "packs/./a.yaml", "packs/a.yaml"),
])
def test_display_path_is_relative_to_the_current_folder_when_below_it(
        monkeypatch: pytest.MonkeyPatch, cwd: str, path: str, shown: str) -> None:
    monkeypatch.setattr(os, "getcwd", lambda: cwd)
    assert display_path(Path(path)) == shown
    if Path(path).is_absolute():  # as pathlib says it
        try:
            expected = str(Path(path).relative_to(cwd))
        except ValueError:
            expected = path
        assert shown == expected


def test_a_link_below_the_pack_is_found_and_a_plain_file_is_inside(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    (pack / "actions").mkdir(parents=True)
    (pack / "actions" / "plain.yaml").write_text("ref: x\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("ref: y\n")
    (pack / "actions" / "linked").symlink_to(outside)
    assert link_outside(pack / "actions" / "plain.yaml", pack) is None
    assert link_outside(pack / "actions" / "linked" / "secret.yaml", pack) == str(outside / "secret.yaml")
    (pack / "actions" / "inner").symlink_to(pack / "actions")  # a link that stays inside
    assert link_outside(pack / "actions" / "inner" / "plain.yaml", pack) is None
