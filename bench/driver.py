"""``attune-lint check`` with the proposed ``--jobs``/``--no-cache``/``--cache-dir`` flags.

Until ``commands/check.py`` carries these flags, the benchmark runs this: the real CLI
(same parser, settings, reporters), with its one ``lint`` call replaced by the call the
integration makes (``cache.lint_cached`` or, with ``--no-cache``, ``parallel.lint_parallel``).

    python bench/driver.py [--jobs N] [--no-cache] [--cache-dir DIR] [check options] PATH...
"""
from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    jobs: int | None = None
    no_cache = False
    cache_dir: Path | None = None
    rest: list[str] = []
    items = iter(argv)
    for item in items:
        if item == "--jobs":
            jobs = int(next(items))
        elif item == "--no-cache":
            no_cache = True
        elif item == "--cache-dir":
            cache_dir = Path(next(items))
        else:
            rest.append(item)

    from attune_lint.run import runner as run_module
    from attune_lint.cli import main as cli_main

    serial = run_module.lint

    def lint(paths, settings=None):  # type: ignore[no-untyped-def]
        run_module.lint = serial  # the serial fallback inside lint_parallel is the real one
        if no_cache:
            from attune_lint.run.parallel import lint_parallel

            return lint_parallel(paths, settings, jobs)
        from attune_lint.run.cache import lint_cached

        return lint_cached(paths, settings, jobs=jobs, cache_dir=cache_dir)

    run_module.lint = lint
    return cli_main(["check", *rest])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
