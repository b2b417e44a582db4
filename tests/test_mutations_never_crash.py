"""Bad input never crashes the linter: the example packs, mutated at random (seeded), always
lint to diagnostics, and every diagnostic has a position inside its file."""
from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from attune_lint.report import FORMATS, reporter
from attune_lint.run.runner import lint
from attune_testkit import EXAMPLES

INSERTS = ["{{", "}}", ":", "- ", '"', "'", "[", "{", "|", "\t", "&a ", "*a", "!!str ", "? ", "#", "é",
           "\x00", "{{ x | y }}", "<<: *a\n", "---\n", "\ufeff",
           # templates: deep, long, broken, huge numbers
           "{{ " + "(" * 80 + "1" + ")" * 80 + " }}", "{{ " + "not " * 90 + "x }}", "{{ " + " + ".join("a" * 120) + " }}",
           "{{ " + "9" * 5000 + " }}", "{{ a[ }}", "{{ f(,) }}", "\x1b[2J", "\r",
           # nesting depth
           "[" * 200 + "]" * 200, "{a: " * 150 + "1" + "}" * 150, "- " * 60]
# File names a pack may hold (created beside the mutated files): a newline, control
# characters, bytes that are not UTF-8, a very long name.
ODD_NAMES = [b"new\nline.yaml", b"esc\x1b[31m.yaml", b"latin\xe9.yaml", b"x" * 250 + b".yaml", b" .yaml"]


def mutate(path: Path, rng: random.Random) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(True)
    for _ in range(rng.randint(1, 4)):
        if not lines:
            return
        k = rng.randrange(len(lines))
        op = rng.random()
        if op < 0.3:
            del lines[k]
        elif op < 0.5:
            lines.insert(k, lines[rng.randrange(len(lines))])
        elif op < 0.8:
            line = lines[k]
            cut = rng.randrange(len(line) + 1)
            lines[k] = line[:cut] + rng.choice(INSERTS) + line[cut:]
        else:
            lines[k] = lines[k].replace(" ", "", 1)
    path.write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize("seed", range(30))
def test_mutated_packs_lint_without_crashing(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    root = tmp_path / "packs"
    shutil.copytree(EXAMPLES, root)
    files = sorted(root.rglob("*.yaml"))
    for path in rng.sample(files, 3):
        mutate(path, rng)
    source = rng.choice(files)
    folder = rng.choice([p for p in root.rglob("workflows") if p.is_dir()])
    with open(bytes(folder) + b"/" + rng.choice(ODD_NAMES), "wb") as handle:
        handle.write(source.read_bytes())
    result = lint([root])
    lines = {t.display: len(t.document.source.lines) if t.document.source else 0 for t in result.workspace.targets}
    for diagnostic in result.diagnostics:
        assert diagnostic.line >= 1 and diagnostic.column >= 1, diagnostic
        if diagnostic.path in lines and lines[diagnostic.path]:
            assert diagnostic.line <= lines[diagnostic.path] + 1, diagnostic
    for name in FORMATS:  # every format renders, as valid UTF-8, without raw escape sequences
        rendered = reporter(name).render_run(result)
        rendered.encode("utf-8")
        if name in ("text", "github"):
            assert "\x1b" not in rendered
