"""Parallel checking gives the serial run's result, diagnostic for diagnostic, in the same order."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from attune_lint.run import parallel

from attune_testkit import bench_generator
from attune_lint.run.runner import RunResult, lint
from attune_lint.settings.record import Settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "packs"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "packs"
    # Small and mistake-heavy: every rule family fires, packs call their neighbours' actions.
    bench_generator().generate(out, packs=5, workflows=5, seed=5, mistake_rate=0.5)
    return out


def _same(serial: RunResult, other: RunResult) -> None:
    assert other.diagnostics == serial.diagnostics
    assert [t.display for t in other.workspace.targets] == [t.display for t in serial.workspace.targets]
    assert other.files_checked == serial.files_checked
    assert other.failed == serial.failed
    for d in serial.diagnostics:
        assert other.line_of(d.path, d.line) == serial.line_of(d.path, d.line)


def test_examples_equal_serial() -> None:
    serial = lint([EXAMPLES])
    assert serial.diagnostics, "the broken example pack must produce findings"
    _same(serial, parallel.lint_parallel([EXAMPLES], jobs=2, min_files=0))


def test_generated_corpus_equal_serial(generated: Path) -> None:
    serial = lint([generated])
    assert len({d.code for d in serial.diagnostics}) >= 8  # the generator's mistakes are found
    for jobs in (2, 3):
        _same(serial, parallel.lint_parallel([generated], jobs=jobs, min_files=0))


def test_cross_pack_reference_seen_from_another_worker(tmp_path: Path, generated: Path) -> None:
    packs = tmp_path / "packs"
    shutil.copytree(generated, packs)
    # gen_pack_00 calls an action gen_pack_04 lacks; the shares put the two packs in different workers.
    graph = next((packs / "gen_pack_00" / "actions" / "workflows").glob("*.yaml"))
    text = graph.read_text()
    text = text.replace("action: core.echo", "action: gen_pack_04.no_such_action", 1)
    graph.write_text(text)
    line = text.splitlines().index("    action: gen_pack_04.no_such_action") + 1
    found = parallel.plan([packs])
    shares = parallel.split(found, 2)
    assert str(found.packs[0][0]) in shares[0].paths and str(found.packs[4][0]) in shares[-1].paths
    result = parallel.lint_parallel([packs], jobs=2, min_files=0)
    unknown = [d for d in result.diagnostics if "gen_pack_04.no_such_action" in d.message]
    assert [(d.code, d.line, d.column) for d in unknown] == [("AL506", line, 13)]
    _same(lint([packs]), result)


def test_partial_selection_lone_and_missing_paths(tmp_path: Path) -> None:
    lone = tmp_path / "lone.yaml"
    lone.write_text("version: 1.10\ntasks: []\n")
    paths = [EXAMPLES / "acme", EXAMPLES / "broken" / "workflows" / "nightly.yaml",
             EXAMPLES / "legacy_ops" / "workflows" / "rotate_logs.yaml", lone, tmp_path / "missing.yaml"]
    serial = lint(paths)
    assert any(d.path.endswith("missing.yaml") for d in serial.diagnostics)
    result = parallel.lint_parallel(paths, jobs=2, min_files=0)
    _same(serial, result)
    assert [p.path for p in result.workspace.problems] == [p.path for p in serial.workspace.problems]


def test_settings_apply_in_workers(generated: Path) -> None:
    settings = Settings(ignore=("AL302",), exclude=("*/gen_pack_01/*",))
    serial = lint([generated], settings)
    assert not any(d.code == "AL302" or "gen_pack_01" in d.path for d in serial.diagnostics)
    _same(serial, parallel.lint_parallel([generated], settings, jobs=2, min_files=0))


def test_order_is_deterministic(generated: Path) -> None:
    first = parallel.lint_parallel([generated], jobs=3, min_files=0)
    second = parallel.lint_parallel([generated], jobs=2, min_files=0)
    assert first.diagnostics == second.diagnostics
    assert first.diagnostics == sorted(first.diagnostics, key=lambda d: d.sort_key())


def test_small_runs_stay_serial(generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = parallel.plan([generated]).files
    assert files > 40
    used: list[int] = []
    run_shares = parallel.run_shares

    def spy(shares, settings, jobs):  # type: ignore[no-untyped-def]
        used.append(jobs)
        return run_shares(shares, settings, jobs)

    monkeypatch.setattr(parallel, "run_shares", spy)
    small = parallel.lint_parallel([generated], jobs=2, min_files=files + 1)
    one_job = parallel.lint_parallel([generated], jobs=1, min_files=0)
    split = parallel.lint_parallel([generated], jobs=2, min_files=files)
    assert used == [1, 1, 2]  # in this process, in this process, over workers
    for result in (small, one_job, split):  # never trees: diagnostics and the lines they need
        assert not result.workspace.workflows
        assert set(result.kept_lines) == {d.path for d in result.diagnostics if d.path in result.kept_lines}
        assert {d.path for d in result.diagnostics} <= set(result.kept_lines) | set(result.lazy_sources)


def test_split_is_contiguous_and_balanced(generated: Path) -> None:
    found = parallel.plan([generated])
    shares = parallel.split(found, 2)
    assert [p for share in shares for p in share.paths] == [str(root) for root, _ in found.packs]
    sizes = [sum(found.file_counts[i] for i, (root, _) in enumerate(found.packs) if str(root) in s.paths)
             for s in shares]
    assert len(shares) == 2 and max(sizes) - min(sizes) <= max(found.file_counts)


def test_default_jobs_is_the_core_count() -> None:
    import os

    assert parallel.default_jobs() == len(os.sched_getaffinity(0))


def test_one_entry_gives_the_same_findings_every_way(generated: Path, tmp_path: Path) -> None:
    """``run.lint`` is the only entry: serial, over workers, cold and warm cache alike."""
    from attune_lint.run import lint

    serial = lint([generated])
    assert serial.workspace.workflows  # jobs=1 without cache: the serial run, trees kept
    _same(serial, lint([generated], jobs=2))
    _same(serial, lint([generated], jobs=2, cache=tmp_path / "cache"))  # cold: fills it
    assert any((tmp_path / "cache").iterdir())
    _same(serial, lint([generated], jobs=1, cache=tmp_path / "cache"))  # warm: read back


@pytest.mark.parametrize("count", [2, 3])
def test_the_shards_together_are_the_full_run(generated: Path, tmp_path: Path, count: int) -> None:
    """``--shard K/N``: every pack in exactly one shard, references into the other shards'
    packs still resolved, so the union of the shards' findings is the full run's."""
    full = lint([generated, EXAMPLES], keep_trees=False)
    parts = [lint([generated, EXAMPLES], shard=(k, count), keep_trees=False) for k in range(1, count + 1)]
    assert sum(len(p.workspace.targets) for p in parts) == len(full.workspace.targets)
    assert all(p.workspace.targets for p in parts)
    assert sorted((d for p in parts for d in p.diagnostics), key=lambda d: d.sort_key()) == full.diagnostics
    for part in parts:  # snippets too
        for d in part.diagnostics:
            assert part.line_of(d.path, d.line) == full.line_of(d.path, d.line)
    # over workers and through the cache (cold, then warm) alike
    for k in range(1, count + 1):
        assert lint([generated, EXAMPLES], shard=(k, count), jobs=2).diagnostics == parts[k - 1].diagnostics
        for _ in range(2):
            cached = lint([generated, EXAMPLES], shard=(k, count), cache=tmp_path / "cache")
            assert cached.diagnostics == parts[k - 1].diagnostics


def test_shard_of_is_stable_and_parse_shard_checks_its_input() -> None:
    assert parallel.shard_of("acme", 4) == parallel.shard_of("acme", 4)
    assert {parallel.shard_of(f"pack{i}", 4) for i in range(40)} == {1, 2, 3, 4}
    assert parallel.parse_shard("2/4") == (2, 4)
    for bad in ("0/4", "5/4", "2", "a/b", "1/0"):
        with pytest.raises(ValueError):
            parallel.parse_shard(bad)


def test_a_bounded_run_equals_the_serial_run_byte_for_byte(generated: Path) -> None:
    """The output of the check that keeps one pack's trees at a time is the tree-keeping run's."""
    from attune_lint.report import FORMATS, reporter

    serial = lint([generated, EXAMPLES])
    bounded = lint([generated, EXAMPLES], keep_trees=False)
    bounded.seconds = serial.seconds  # the text summary's timing
    assert bounded.diagnostics
    for name in FORMATS:
        assert reporter(name).render_run(bounded) == reporter(name).render_run(serial), name


def test_a_result_that_forgets_its_files_still_shows_its_findings_lines(generated: Path) -> None:
    """``forget_files`` drops the per-file records (what a long-lived holder such as the
    pytest plugin must not keep) but every diagnostic's line is still the serial run's."""
    serial = lint([generated, EXAMPLES])
    bounded = lint([generated, EXAMPLES], keep_trees=False)
    assert bounded.lazy_sources and bounded.outlines and bounded.workspace.targets
    bounded.forget_files()
    assert (bounded.workspace.targets, bounded.outlines) == ([], [])
    assert set(bounded.lazy_sources) <= {d.path for d in bounded.diagnostics}
    assert bounded.diagnostics == serial.diagnostics
    for d in serial.diagnostics:
        assert bounded.line_of(d.path, d.line) == serial.line_of(d.path, d.line), d


def test_forgetting_keeps_where_to_read_a_findings_line_that_was_not_kept(tmp_path: Path) -> None:
    """A finding whose line the run did not keep (its file was read in another pack's turn)
    is still shown from the file; the other files' entries go."""
    from attune_lint.diagnostics import Diagnostic, Severity, Span
    from attune_lint.workspace.workspace import Workspace

    shown = tmp_path / "shown.yaml"
    shown.write_text("a: 1\nb: 2\n", encoding="utf-8")
    found = Diagnostic(str(shown), Span.point(2, 1), Severity.ERROR, "AL999", "test", "on line 2")
    result = RunResult([found], Workspace(), Settings(), 0.0,
                       lazy_sources={str(shown): str(shown), "other.yaml": str(tmp_path / "other.yaml")})
    result.forget_files()
    assert result.lazy_sources == {str(shown): str(shown)}
    assert result.line_of(str(shown), 2) == "b: 2"
