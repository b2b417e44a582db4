"""Every attack of ``hostile_corpus`` ends in a clean finding: no crash, no hang, no traceback."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hostile_corpus import ATTACKS, Attack

PACK_YAML = 'ref: hostile\nlabel: Hostile\nversion: "1.0.0"\n'
TIME_LIMIT = 60  # seconds: an attack that once hung must end well within this


def _build(root: Path, attack: Attack) -> Path:
    pack = root / "hostile"
    pack.mkdir()
    (pack / "pack.yaml").write_text(PACK_YAML, encoding="utf-8")
    for relative, content in attack.files.items():
        target = pack / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    if attack.prepare is not None:
        attack.prepare(pack)
    return pack


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_attack_gives_clean_findings(tmp_path: Path, attack: Attack) -> None:
    pack = _build(tmp_path, attack)
    cache = ["--cache-dir", str(tmp_path / ".attune-lint-cache")] if attack.cache else ["--no-cache"]
    config = [] if "--config" in attack.argv else ["--no-config"]
    argv = [arg.format(pack=pack) for arg in attack.argv]
    env = dict(os.environ)
    if attack.cache:  # the suite turns the cache off (tests/conftest.py); these attacks need it
        env.pop("ATTUNE_LINT_NO_CACHE", None)
    for _ in range(attack.runs):
        done = subprocess.run(
            [sys.executable, "-m", "attune_lint", "check", *config, *cache, "-f", attack.fmt, *argv, os.path.normpath(pack / attack.target)],
            capture_output=True, text=True, timeout=TIME_LIMIT, cwd=tmp_path, env=env)
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr[-2000:]
        assert done.returncode in attack.exit_codes, (done.returncode, done.stderr[-2000:])
        assert attack.message in done.stdout + done.stderr, (done.stdout + done.stderr)[-2000:]
        if attack.max_output:
            assert len(done.stdout.encode()) <= attack.max_output
        if attack.forbidden:
            assert attack.forbidden not in done.stdout + done.stderr
        if attack.expect:
            found = {(d["code"], d["line"], d["column"]) for d in json.loads(done.stdout)["diagnostics"]}
            assert set(attack.expect) <= found, sorted(found)


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "github", "text"])
def test_file_name_that_is_not_utf8_keeps_every_format_valid(tmp_path: Path, fmt: str) -> None:
    pack = _build(tmp_path, Attack("name", {}))
    name = (pack / "workflows").as_posix().encode() + b"/w\xff\x1b.yaml"
    (pack / "workflows").mkdir()
    with open(name, "wb") as handle:
        handle.write(b"ref: hostile.w\nlabel: W\nversion: '1.0.0'\ntasks:\n  - name: a\n    action: core.echo\n    bogus: 1\n")
    done = subprocess.run([sys.executable, "-m", "attune_lint", "check", "--no-config", "--no-cache", "-f", fmt,
                           str(pack)], capture_output=True, timeout=TIME_LIMIT, cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    text = done.stdout.decode("utf-8")  # strict: raises on invalid UTF-8
    shown = "w%5Cxff%5Cx1b.yaml" if fmt == "sarif" else "w\\xff\\x1b.yaml"  # SARIF: a URI
    assert shown in text.replace("\\\\", "\\") and "\x1b" not in text
    if fmt in ("json", "sarif"):
        json.loads(text)
    if fmt == "junit":
        import xml.etree.ElementTree as ET

        ET.fromstring(text)
