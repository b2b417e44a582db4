"""Helpers shared by the test modules (importable as ``attune_testkit``)."""
from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "packs"
# The real Attune files: the shared corpus beside the repository (../shared/corpus) when it
# is there, else the verbatim copy kept in tests/data/corpus (a test keeps the two equal);
# ATTUNE_CORPUS points elsewhere.
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
VENDORED_CORPUS = REPO / "tests" / "data" / "corpus"
CORPUS = Path(os.environ.get("ATTUNE_CORPUS") or (SHARED_CORPUS if SHARED_CORPUS.is_dir() else VENDORED_CORPUS)) / "attune"


def bench_generator() -> Any:
    """The benchmark's corpus generator (``bench/generate.py``; bench/ is not a package),
    loaded from its file once per process."""
    import importlib.util
    import sys

    name = "attune_bench_generate"
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, REPO / "bench" / "generate.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # its dataclasses look their module up there
        spec.loader.exec_module(module)
    return module


def write_files(root: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: text}`` below ``root`` (text dedented) and return root."""
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


PACK_YAML = 'ref: acme\nlabel: Acme\nversion: "1.0.0"\n'


def lint_pack(root: Path, files: dict[str, str], *paths: str, settings=None):  # type: ignore[no-untyped-def]
    """Write a pack ``acme`` with ``files`` under ``root`` and lint it (or only ``paths``)."""
    from attune_lint.run.runner import lint

    pack = write_files(root / "acme", {"pack.yaml": PACK_YAML, **files})
    targets = [pack / p for p in paths] if paths else [pack]
    return lint(targets, settings)


def found(result, prefix: str = "AL") -> list[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    """(code, line, column) of every diagnostic whose code starts with ``prefix``."""
    return [(d.code, d.line, d.column) for d in result.diagnostics if d.code.startswith(prefix)]
