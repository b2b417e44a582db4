"""The one way to run a lint: ``lint(paths, settings, jobs=..., cache=...)`` chooses a run in
this process, over worker processes, or through the result cache."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from attune_lint.run.result import RunResult
from attune_lint.run.serial import lint_serial
from attune_lint.settings.record import Settings


def lint(paths: Sequence[Path | str], settings: Settings | None = None, *, jobs: int | None = 1,
         cache: Path | str | bool | None = None, keep_trees: bool = True,
         shard: tuple[int, int] | None = None) -> RunResult:
    """Lint ``paths`` (packs, folders of packs, single files) and return the diagnostics.

    ``jobs``: worker processes; ``None`` is one per core, and workers are only started when
    the run is large enough to gain from them (see ``parallel.PARALLEL_MIN_FILES``).
    ``cache``: a result-cache folder, ``True`` for the default ``.attune-lint-cache`` in the
    current folder, ``None``/``False`` for no cache. Every way gives the same diagnostics.
    ``keep_trees``: a serial run without cache keeps every file's tree in the result
    (``result.workspace``); False checks one pack at a time and keeps diagnostics and the
    source lines they point at (memory bounded by the largest pack). Parallel and cached
    runs never keep trees.
    ``shard``: ``(K, N)`` checks only the packs of shard K of N (a stable hash of the pack
    ref; lone files and missing paths go to shard 1); references into the other packs are
    still resolved, so the N shards' findings together are the full run's.
    """
    settings = settings or Settings()
    if cache:
        from attune_lint.run.cache import CachedLinter

        return CachedLinter(None if cache is True else cache, jobs=jobs, shard=shard).lint(paths, settings)
    if jobs != 1 or not keep_trees or shard is not None:
        from attune_lint.run.parallel import lint_parallel

        return lint_parallel(paths, settings, jobs, shard=shard)
    return lint_serial(paths, settings)
