"""The result cache: equal to an uncached run, never stale when a file a result depends on changed."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from attune_lint.run import cache
from attune_lint.cli import main
from attune_lint.run.cache import CachedLinter, default_cache_dir
from attune_lint.run.runner import RunResult, lint
from attune_lint.settings.record import Settings

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "packs"


@pytest.fixture
def packs(tmp_path: Path) -> Path:
    copy = tmp_path / "packs"
    shutil.copytree(EXAMPLES, copy)
    return copy


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def _same(expected: RunResult, got: RunResult) -> None:
    assert got.diagnostics == expected.diagnostics
    assert [t.display for t in got.workspace.targets] == [t.display for t in expected.workspace.targets]
    for d in expected.diagnostics:
        assert got.line_of(d.path, d.line) == expected.line_of(d.path, d.line)


def _entries(store: Path) -> list[Path]:
    return sorted(p for p in store.glob("*.json") if p.name != cache.INDEX_FILE)


def _non_workflow_targets(result: RunResult, pack: Path) -> int:
    return sum(1 for t in result.workspace.targets
               if t.kind not in ("graph", "standalone") and Path(t.path).is_relative_to(pack))


def _cached(store: Path, paths: list[Path], settings: Settings | None = None) -> tuple[RunResult, cache.CacheStats]:
    linter = CachedLinter(store, jobs=1)
    result = linter.lint(paths, settings)
    return result, linter.stats


def _run_and_compare(store: Path, packs: Path, settings: Settings | None = None) -> tuple[RunResult, cache.CacheStats]:
    result, stats = _cached(store, [packs], settings)
    _same(lint([packs], settings), result)
    return result, stats


def test_second_run_is_all_hits_and_equal(packs: Path, store: Path) -> None:
    first, stats = _run_and_compare(store, packs)
    assert (stats.hits, stats.misses) == (0, first.files_checked) and stats.written == 3
    second, stats = _run_and_compare(store, packs)
    assert (stats.hits, stats.misses, stats.packs_checked) == (second.files_checked, 0, 0)
    assert second.diagnostics and second.diagnostics == first.diagnostics


def test_edited_workflow_is_rechecked_alone(packs: Path, store: Path) -> None:
    before, _ = _run_and_compare(store, packs)
    graph = packs / "acme" / "actions" / "workflows" / "rolling_deploy.workflow.yaml"
    text = graph.read_text()
    graph.write_text(text.replace("          - deploy_fleet\n", "          - deploy_flete\n", 1))
    line = text.splitlines().index("          - deploy_fleet") + 1
    after, stats = _run_and_compare(store, packs)
    # the graph, and the files of its pack whose checks may read it (pack.yaml, action files)
    others = _non_workflow_targets(after, packs / "acme")
    assert others == len(list((packs / "acme" / "actions").glob("*.yaml"))) + 1 and stats.misses == 1 + others and stats.hits == after.files_checked - 1 - others
    new = set(after.diagnostics) - set(before.diagnostics)
    assert ("AL302", line, 13) in {(d.code, d.line, d.column) for d in new}
    assert {d.path for d in new} == {str(graph)} or {Path(d.path).name for d in new} == {graph.name}


def test_edited_linking_action_rechecks_its_graph(packs: Path, store: Path) -> None:
    before, _ = _run_and_compare(store, packs)
    action = packs / "acme" / "actions" / "rolling_deploy.yaml"
    # The graph reads {{ parameters.canary_host }}: without the declaration it is unknown.
    action.write_text(action.read_text().replace("  canary_host:\n", "  canary_hostname:\n"))
    after, stats = _run_and_compare(store, packs)
    assert stats.misses > 0
    new = {d.path for d in set(after.diagnostics) - set(before.diagnostics)}
    assert any(p.endswith("rolling_deploy.workflow.yaml") for p in new)


def test_edited_other_action_of_the_pack_rechecks_callers(packs: Path, store: Path) -> None:
    before, _ = _run_and_compare(store, packs)
    action = packs / "acme" / "actions" / "check_host.yaml"
    action.write_text(action.read_text().replace("ref: acme.check_host", "ref: acme.probe_host"))
    after, _ = _run_and_compare(store, packs)
    unknown = [d for d in set(after.diagnostics) - set(before.diagnostics) if "acme.check_host" in d.message]
    assert {Path(d.path).name for d in unknown} == {"fleet_health_report.workflow.yaml", "rolling_deploy.workflow.yaml"}


def test_edited_pack_yaml_rechecks_the_pack(packs: Path, store: Path) -> None:
    before, _ = _run_and_compare(store, packs)
    manifest = packs / "acme" / "pack.yaml"
    manifest.write_text(manifest.read_text().replace("ref: acme\n", "ref: acme_ops\n"))
    after, _ = _run_and_compare(store, packs)
    assert set(after.diagnostics) != set(before.diagnostics)


def test_action_of_another_pack_is_a_dependency(packs: Path, store: Path) -> None:
    legacy = packs / "legacy_ops" / "workflows" / "rotate_logs.yaml"
    legacy.write_text(legacy.read_text().replace("action: core.echo", "action: acme.check_host", 1))
    before, _ = _run_and_compare(store, packs)
    assert not any(d.path.endswith("rotate_logs.yaml") and d.code == "AL506" for d in before.diagnostics)
    action = packs / "acme" / "actions" / "check_host.yaml"
    action.write_text(action.read_text().replace("ref: acme.check_host", "ref: acme.probe_host"))
    after, _ = _run_and_compare(store, packs)
    assert any(d.path.endswith("rotate_logs.yaml") and d.code == "AL506" for d in after.diagnostics)


def test_new_and_removed_files(packs: Path, store: Path) -> None:
    _run_and_compare(store, packs)
    (packs / "legacy_ops" / "workflows" / "rotate_logs.yaml").unlink()
    shutil.copy(packs / "broken" / "workflows" / "nightly.yaml", packs / "legacy_ops" / "workflows" / "nightly.yaml")
    after, _ = _run_and_compare(store, packs)
    assert not any("rotate_logs" in t.display for t in after.workspace.targets)


def test_settings_are_part_of_the_key(packs: Path, store: Path) -> None:
    everything, _ = _run_and_compare(store, packs)
    assert any(d.code == "AL302" for d in everything.diagnostics)
    narrowed, stats = _run_and_compare(store, packs, Settings(ignore=("AL302",)))
    assert stats.hits == 0 and not any(d.code == "AL302" for d in narrowed.diagnostics)


def test_tool_version_is_part_of_the_key(packs: Path, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _run_and_compare(store, packs)
    monkeypatch.setattr(cache, "tool_fingerprint", lambda: "another version")
    _, stats = _run_and_compare(store, packs)
    assert stats.hits == 0


def test_partial_selection_lone_and_missing(packs: Path, store: Path, tmp_path: Path) -> None:
    lone = tmp_path / "lone.yaml"
    lone.write_text("version: 1.10\ntasks: []\n")
    paths = [packs / "acme", packs / "broken" / "workflows" / "nightly.yaml", lone, tmp_path / "missing.yaml"]
    for _ in range(2):
        result, _ = _cached(store, paths)
        _same(lint(paths), result)
    assert any(d.path.endswith("missing.yaml") for d in result.diagnostics)


def test_no_cache_neither_reads_nor_writes(packs: Path, store: Path) -> None:
    linter = CachedLinter(store, enabled=False, jobs=1)
    _same(lint([packs]), linter.lint([packs]))
    assert linter.stats.bypassed and not store.exists()
    lint([packs], jobs=1, cache=store)
    for entry in _entries(store):  # poison the cache: a bypassing run must not read it
        entry.write_text(json.dumps(json.loads(entry.read_text()) | {"targets": []}))
    _same(lint([packs]), lint([packs], jobs=1, cache=None))


def test_environment_variable_bypasses(packs: Path, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    argv = ["check", "-q", "--no-config", "--exit-zero", "--jobs", "1", "--cache-dir", str(store), str(packs)]
    monkeypatch.setenv("ATTUNE_LINT_NO_CACHE", "1")
    assert main(argv) == 0
    assert not store.exists()
    monkeypatch.setenv("ATTUNE_LINT_NO_CACHE", "0")
    assert main(argv) == 0
    assert _entries(store)


def test_corrupt_entries_are_ignored_and_replaced(packs: Path, store: Path) -> None:
    _run_and_compare(store, packs)
    entries = _entries(store)
    assert len(entries) == 3
    entries[0].write_bytes(b"\x00\xff not json")
    entries[1].write_text('{"format": 1, "key": "x", "targets": []}')  # another key's content
    data = json.loads(entries[2].read_text())
    data["targets"][0][4] = [["bad"]]  # a row that does not decode
    entries[2].write_text(json.dumps(data))
    _, stats = _run_and_compare(store, packs)
    assert stats.packs_checked == 3
    _, stats = _run_and_compare(store, packs)
    assert stats.misses == 0


def test_entries_are_written_atomically_as_json(packs: Path, store: Path) -> None:
    _run_and_compare(store, packs)
    assert not list(store.glob(".tmp-*"))
    for entry in _entries(store):
        data = json.loads(entry.read_text())
        assert data["format"] == cache.FORMAT and entry.name == data["key"] + ".json"
    assert (store / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")


def test_unwritable_cache_costs_only_speed(packs: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result, stats = _cached(blocker / "cache", [packs])
    _same(lint([packs]), result)
    assert stats.written == 0


def test_cache_folder_choice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir(tmp_path) == tmp_path / "xdg" / "attune-lint"
    (tmp_path / ".attune-lint-cache").mkdir()
    assert default_cache_dir(tmp_path) == tmp_path / ".attune-lint-cache"
    monkeypatch.chdir(tmp_path)
    assert CachedLinter().cache_dir == tmp_path / ".attune-lint-cache"


def test_parallel_misses_equal_serial(tmp_path: Path, store: Path) -> None:
    packs = tmp_path / "many"
    for i in range(4):
        shutil.copytree(EXAMPLES / "acme", packs / f"p{i}")
        manifest = packs / f"p{i}" / "pack.yaml"
        manifest.write_text(manifest.read_text().replace("ref: acme", f"ref: p{i}"))
    linter = CachedLinter(store, jobs=2)
    monkey = pytest.MonkeyPatch()
    monkey.setattr("attune_lint.run.parallel.PARALLEL_MIN_FILES", 0)
    try:
        _same(lint([packs]), linter.lint([packs]))
        assert linter.stats.packs_checked == 4
        _same(lint([packs]), linter.lint([packs]))
        assert linter.stats.misses == 0
    finally:
        monkey.undo()


def test_content_index_trusts_only_old_unchanged_stats(packs: Path, store: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "TRUST_AFTER_NS", 0)  # the corpus was just written: trust it anyway
    _run_and_compare(store, packs)
    reads: list[str] = []
    real_read = cache._read
    monkeypatch.setattr(cache, "_read", lambda path, limit: reads.append(str(path)) or real_read(path, limit))
    result, stats = _cached(store, [packs])
    assert stats.misses == 0 and reads == []  # unchanged stats: nothing read
    # Same size, mtime put back: the ctime still moves, so the file is read and re-checked.
    graph = packs / "legacy_ops" / "workflows" / "rotate_logs.yaml"
    before = graph.stat()
    text = graph.read_text()
    graph.write_text(text.replace("action: core.echo", "action: core.ecoh", 1))
    import os
    os.utime(graph, ns=(before.st_atime_ns, before.st_mtime_ns))
    after, stats = _run_and_compare(store, packs)
    assert any(str(graph) in r for r in reads) and stats.misses == 1 + _non_workflow_targets(after, graph.parent.parent)
    assert any(d.code == "AL506" and "core.ecoh" in d.message for d in after.diagnostics)


def test_recent_files_are_always_read(packs: Path, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _run_and_compare(store, packs)  # files written just now: younger than TRUST_AFTER_NS
    reads: list[str] = []
    real_read = cache._read
    monkeypatch.setattr(cache, "_read", lambda path, limit: reads.append(str(path)) or real_read(path, limit))
    _, stats = _cached(store, [packs])
    assert stats.misses == 0 and len(reads) >= 18


def test_snippet_text_of_cached_findings_is_read_on_demand(packs: Path, store: Path) -> None:
    first, _ = _run_and_compare(store, packs)
    second, stats = _cached(store, [packs])
    assert stats.hits == second.files_checked
    finding = next(d for d in second.diagnostics if d.code == "AL205")
    assert "1.10" in second.line_of(finding.path, finding.line) == first.line_of(finding.path, finding.line)


def test_a_file_named_by_workflow_file_appearing_is_seen(packs: Path, store: Path) -> None:
    action = packs / "acme" / "actions" / "rolling_deploy.yaml"
    action.write_text(action.read_text().replace("workflow_file: workflows/rolling_deploy.workflow.yaml",
                                                 "workflow_file: workflows/later.json"))
    before, _ = _run_and_compare(store, packs)
    assert any("'workflows/later.json' does not exist" in d.message for d in before.diagnostics)
    (packs / "acme" / "actions" / "workflows" / "later.json").write_text("{}\n")  # not a YAML name
    after, _ = _run_and_compare(store, packs)
    assert not any("'workflows/later.json' does not exist" in d.message for d in after.diagnostics)


def test_action_files_depend_on_the_graphs_of_their_pack(packs: Path, store: Path) -> None:
    _run_and_compare(store, packs)
    graph = packs / "acme" / "actions" / "workflows" / "fleet_health_report.workflow.yaml"
    graph.write_text(graph.read_text() + "\n")
    result, stats = _cached(store, [packs])
    acme_actions = len(list((packs / "acme" / "actions").glob("*.yaml")))
    assert stats.misses == 1 + acme_actions + 1  # the graph, the pack's action files, its pack.yaml
    assert _non_workflow_targets(result, packs / "acme") == acme_actions + 1


def test_pruning_scans_the_folder_once_per_run_and_keeps_the_runs_entries(
        tmp_path: Path, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """More packs than MAX_ENTRIES (issue 17, item 17): no eviction and rescan per write; the
    run's own entries survive, so the next run is all hits; older entries go, oldest first."""
    import os

    def make(folder: Path, count: int) -> Path:
        for i in range(count):
            pack = folder / f"p{i}"
            (pack / "workflows").mkdir(parents=True)
            (pack / "pack.yaml").write_text(f"ref: p{i}\nlabel: P{i}\nversion: '1.0.0'\n")
            (pack / "workflows" / "w.yaml").write_text(
                f"ref: p{i}.w\nlabel: W\nversion: '1.0.0'\ntasks:\n  - name: a\n    action: core.echo\n")
        return folder

    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    scans: list[str] = []
    real_scandir = os.scandir

    def counting(path=".", *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path) == store:
            scans.append(str(path))
        return real_scandir(path, *args, **kwargs)

    monkeypatch.setattr(cache.os, "scandir", counting)
    first = make(tmp_path / "first", 6)
    _, stats = _cached(store, [first])
    assert stats.written == 6 and len(scans) == 1  # one scan, after every write
    assert len(_entries(store)) == 6  # 6 > MAX_ENTRIES, but all of them are this run's
    scans.clear()
    _, stats = _cached(store, [first])
    assert stats.misses == 0 and stats.written == 0 and scans == []  # nothing written: no scan
    second = make(tmp_path / "second", 6)
    _, stats = _cached(store, [second])
    assert stats.written == 6 and len(scans) == 1
    kept = _entries(store)
    assert len(kept) == 6
    _, stats = _cached(store, [second])
    assert stats.misses == 0  # the second run's entries are the ones kept
