"""Rule test cases that show the whole file they lint, with the findings beside it.

In the manner of yamllint's ``RuleTestCase.check``: a test writes the complete YAML of
each file (no hidden header, so a reader can count the lines) and lists what the linter
must report in it as ``(code, line, column)``::

    check(tmp_path, {"workflows/w.yaml": '''
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
            next:
              - do: [notfiy]
    '''}, [("AL302", 8, 14)], only="AL302")

The texts are dedented and their first blank line dropped, so line 1 is the line after the
opening quotes. Paths are relative to the folder of a pack ``acme`` (its ``pack.yaml`` is
supplied when the case does not write one); a path starting with ``packs/`` is relative to
the folder holding the packs instead, for cases about the pack folder itself. A text may be
``bytes`` (written as they are) or a ``Path`` (the file is a symbolic link to it). Importable
as ``rule_case``: pytest puts this folder on ``sys.path`` (no ``__init__.py``, rootdir
import mode), as it does for ``attune_testkit`` in the folder above.
"""
from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Iterable, Sequence, Union

from attune_lint.diagnostics import Diagnostic
from attune_lint.run.runner import RunResult, lint
from attune_lint.settings.record import Settings

PACK = "acme"
PACK_YAML = 'ref: acme\nlabel: Acme\nversion: "1.0.0"\n'

# Which findings a case looks at: all (None), the codes starting with a prefix ("AL3",
# "AL302"), or an inclusive range of codes (("AL401", "AL449")).
Only = Union[None, str, tuple[str, str]]
Expected = Union[tuple[str, int, int], tuple[str, str, int, int]]


def text_of(text: str | bytes) -> str | bytes:
    """The file as the test shows it: dedented, without the blank line after the quotes."""
    if isinstance(text, bytes):
        return text
    return textwrap.dedent(text).lstrip("\n")


def write_case(root: Path, files: dict[str, str | bytes | Path]) -> list[Path]:
    """Write ``files`` below ``root`` (see the module doc) and return the pack folders."""
    files = dict(files)
    if "pack.yaml" not in files and any(not p.startswith("packs/") for p in files):
        files["pack.yaml"] = PACK_YAML
    packs: list[Path] = []
    for relative, text in files.items():
        target = _on_disk(root, relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        pack = root / target.relative_to(root).parts[0]
        if pack not in packs:
            packs.append(pack)
        if isinstance(text, Path):  # a symbolic link to that path
            target.symlink_to(text)
            continue
        content = text_of(text)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return sorted(packs)


def lint_case(tmp_path: Path, files: dict[str, str | bytes | Path], *, settings: Settings | None = None,
              paths: Sequence[str] = ()) -> RunResult:
    """Write the case in a fresh folder of ``tmp_path`` and lint its packs (or only
    ``paths``, relative like the keys of ``files``). The folder holding the packs is
    ``result.extra["case_root"]``."""
    root = tmp_path / "packs"
    number = 1
    while root.exists():  # a test may lint several cases
        number += 1
        root = tmp_path / f"packs-{number}"
    pack_folders = write_case(root, files)
    targets = [_on_disk(root, p) for p in paths] if paths else pack_folders
    result = lint(targets, settings)
    result.extra["case_root"] = root
    return result


def looks_at(only: Only, code: str) -> bool:
    """Whether a case that looks at ``only`` sees findings of ``code``."""
    if only is None:
        return True
    if isinstance(only, str):
        return code.startswith(only)
    low, high = only
    return low <= code <= high


def codes_at(found: Iterable[Diagnostic]) -> list[tuple[str, int, int]]:
    """``(code, line, column)`` of each diagnostic."""
    return [(d.code, d.line, d.column) for d in found]


def selected(diagnostics: Iterable[Diagnostic], only: Only) -> list[Diagnostic]:
    """The diagnostics a case that looks at ``only`` sees."""
    return [d for d in diagnostics if looks_at(only, d.code)]


def findings(result: RunResult, only: Only = None) -> list[tuple[str, str, int, int]]:
    """``(path, code, line, column)`` of a case's findings, paths written as in the case."""
    root = result.extra["case_root"]
    return [(case_path(root, d.path), d.code, d.line, d.column) for d in selected(result.diagnostics, only)]


def check(tmp_path: Path, files: dict[str, str | bytes | Path], expected: Sequence[Expected], *,
          only: Only = None, settings: Settings | None = None, paths: Sequence[str] = ()) -> RunResult:
    """Lint the case and assert that exactly ``expected`` is reported, in that order.

    An expectation is ``(code, line, column)`` in the case's one file other than a supplied
    or written ``pack.yaml``, or ``(path, code, line, column)`` when the case has several.
    Returns the run for further assertions (messages, suggestions)."""
    result = lint_case(tmp_path, files, settings=settings, paths=paths)
    if only is not None and not looks_at(only, "AL101"):
        # A case that looks past the YAML reader's findings must read: a file that does not
        # parse has no findings of the other families, and would pass for the wrong reason.
        unread = [f for f in findings(result) if f[1].startswith("AL1")]
        assert not unread, f"the case does not read as YAML: {unread}"
    subject = _subject(files)
    got = findings(result, only)
    if subject is not None and all(len(e) == 3 for e in expected) and all(g[0] == subject for g in got):
        short = [g[1:] for g in got]
        assert short == list(expected), f"found {short}, expected {list(expected)} (in {subject})"
    else:
        wanted = [_full(e, subject) for e in expected]
        assert got == wanted, f"found {got}, expected {wanted}"
    return result


def diagnostics(result: RunResult, code: str) -> list[Diagnostic]:
    """The run's diagnostics of one code, in report order."""
    return [d for d in result.diagnostics if d.code == code]


def case_path(root: Path, shown: str) -> str:
    """A diagnostic's path as a case writes it (``workflows/w.yaml``, ``packs/other/x``)."""
    try:  # absolute, not resolved: a symbolic link keeps its own name
        relative = Path(os.path.abspath(shown)).relative_to(os.path.abspath(root))
    except ValueError:
        return shown
    parts = relative.parts
    if parts and parts[0] == PACK:
        return Path(*parts[1:]).as_posix()
    return "packs/" + relative.as_posix()


def _on_disk(root: Path, relative: str) -> Path:
    """Where a case's path is written below the folder of the packs."""
    return root / relative[len("packs/"):] if relative.startswith("packs/") else root / PACK / relative


def _subject(files: dict[str, str | bytes | Path]) -> str | None:
    names = [p for p in files if p != "pack.yaml"] or list(files)
    return names[0] if len(names) == 1 else None


def _full(expectation: Expected, subject: str | None) -> tuple[str, str, int, int]:
    if len(expectation) == 4:
        return expectation  # type: ignore[return-value]
    if subject is None:
        raise AssertionError(f"{expectation}: a case with several files names the file of each finding")
    return (subject, *expectation)  # type: ignore[return-value]
