"""Atomic writes (attune_lint.files)."""
from __future__ import annotations

from pathlib import Path

import pytest

from attune_lint.files import write_atomic


def test_write_atomic_replaces_and_keeps_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_write_atomic_failure_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(TypeError):
        write_atomic(target, object())  # type: ignore[arg-type]  # the write fails half-way
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_write_atomic_writes_through_a_link_to_its_target(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    write_atomic(link, "new\n")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new\n"


@pytest.mark.parametrize("device", ["/dev/null", "/dev/full"])
def test_write_atomic_refuses_a_device_and_leaves_it_alone(tmp_path: Path, device: str) -> None:
    import os
    import stat

    link = tmp_path / "out.json"
    link.symlink_to(device)  # also through a link (a /proc/self/fd/1 would be the same)
    for path in (Path(device), link):
        with pytest.raises(OSError, match="not a regular file"):
            write_atomic(path, "x")
    assert stat.S_ISCHR(os.stat(device).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_read_regular_refuses_pipes_and_devices_and_bounds_the_read(tmp_path: Path) -> None:
    import os

    from attune_lint.files import FileTooLarge, NotRegularFile, not_a_file, read_regular

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(NotRegularFile, match="a named pipe"):
        read_regular(pipe, 10)  # returns at once: the open does not wait for a writer
    with pytest.raises(NotRegularFile, match="a device"):
        read_regular("/dev/zero", 10)
    big = tmp_path / "big"
    big.write_bytes(b"x" * 11)
    with pytest.raises(FileTooLarge):
        read_regular(big, 10)
    assert read_regular(big, 11) == b"x" * 11
    assert not_a_file(tmp_path) == "is a folder, not a file"
    assert not_a_file(tmp_path / "absent") == "does not exist"
    assert not_a_file(pipe) == "is not a regular file (a named pipe)"
    assert not_a_file(big) is None


def test_write_atomic_writes_a_name_near_the_length_limit(tmp_path: Path) -> None:
    target = tmp_path / ("r" * 245 + ".json")  # 250 bytes: legal, but not with a long temporary name beside it
    write_atomic(target, "{}\n")
    assert target.read_text(encoding="utf-8") == "{}\n"
