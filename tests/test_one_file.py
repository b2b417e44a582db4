"""A one-file check (the pre-commit case) does only what that file needs, and finds what a
full run finds for it: jsonschema is imported only to explain an invalid file, and of the
file's pack only the action files its findings depend on are read."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from attune_lint.run.runner import lint
from attune_lint.settings.record import Settings
from attune_lint.workspace import workspace as workspace_module
from attune_lint.workspace.context import needed_actions
from attune_lint.workspace.discovery import PackFiles
from attune_lint.workspace.pack import LoaderConfig
from attune_lint.workspace.workspace import DocumentStore, load_pack, load_paths
from attune_testkit import EXAMPLES, REPO, bench_generator, write_files

# A pack with every way a workflow file's findings depend on action files: an action that
# links the graph (twice, with one ref declared twice), a ref spelt with a YAML escape,
# a call to an unknown action of the pack (its did-you-mean lists all refs), calls into the
# pack and into others, suppressions in a context-only action file.
CROSS = {
    "pack.yaml": 'ref: xpack\nlabel: X\nversion: "1.0.0"\n',
    "actions/deploy.yaml": """
        ref: xpack.deploy
        runner_type: workflow
        workflow_file: workflows/deploy.workflow.yaml
        parameters:
          env: {type: string, required: true}
        """,
    "actions/deploy_again.yaml": 'ref: xpack.deploy\nworkflow_file: "workflows/deploy.workflow.yaml"\n',
    "actions/escaped.yaml": 'ref: "xpack.esc\\x61ped"\nworkflow_file: "workflows/esc\\x61ped.workflow.yaml"\n',
    "actions/runner.yaml": "ref: xpack.runner\nrunner_type: shell\nentry_point: run.sh\n",
    "actions/unrelated.yaml": "ref: xpack.unrelated\nrunner_type: shell\nentry_point: run.sh\n",
    "actions/suppressed.yaml": "# attune-lint: disable-file=AL201\nref: xpack.suppressed\nrunner_type: shell\nentry_point: run.sh\ncolour: blue\n",
    "actions/missing_graph.yaml": "ref: xpack.missing_graph\nworkflow_file: workflows/nothere.workflow.yaml\n",
    "actions/workflows/deploy.workflow.yaml": """
        version: "1.0"
        label: repeats the action
        tasks:
          - name: start
            action: xpack.runner
            input:
              env: "{{ parameters.env }}"
              missing: "{{ parameters.nope }}"
            next:
              - do: [finish]
          - name: finish
            action: xpack.runnr
          - name: other
            action: xpack.escaped
          - name: elsewhere
            action: otherpack.thing
        """,
    "actions/workflows/escaped.workflow.yaml": 'version: "1.0"\nlabel: x\ntasks:\n  - name: a\n    action: xpack.deploy\n',
    "actions/workflows/unlinked.workflow.yaml": "version: 1.10\ntasks:\n  - name: a\n    action: xpack.runner\n    action: xpack.nothing\n",
    "workflows/legacy.yaml": """
        ref: xpack.legacy_other
        version: "1"
        tasks:
          - name: a
            action: xpack.suppressed
            next:
              - do: [zzz]
          - name: b
            action: "xpack.{{ parameters.x }}"
        """,
    "workflows/clean.yaml": 'ref: xpack.clean\nversion: "1"\ntasks:\n  - name: a\n    action: xpack.runner\n',
}


@pytest.fixture(scope="module")
def cross(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_files(tmp_path_factory.mktemp("cross") / "xpack", CROSS)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two packs of the benchmark's generator (one action-linked, one standalone), with mistakes."""
    root = tmp_path_factory.mktemp("generated")
    bench_generator().main([str(root), "--packs", "2", "--workflows", "30", "--seed", "3"])
    return root


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def _one_file(path: Path) -> list:
    # As the CLI runs it: one pack at a time, trees dropped (``check_share``).
    return lint([path], Settings(), jobs=1, keep_trees=False).diagnostics


@pytest.mark.parametrize("which", ["examples", "cross", "generated"])
def test_one_file_finds_what_a_full_run_finds_for_it(which: str, cross: Path, generated: Path) -> None:
    root = {"examples": EXAMPLES, "cross": cross, "generated": generated}[which]
    full = lint([root], Settings(), jobs=1, keep_trees=False).diagnostics
    checked = with_findings = 0
    for path in _files(root):
        if path.parent.name == "actions" or path.name == "pack.yaml":
            continue  # an action file re-checks its pack's workflows; pack.yaml, the pack's folder
        single = _one_file(path)
        mine = [d for d in full if Path(os.path.abspath(d.path)) == path]
        assert single == mine, path
        with_findings += bool(single)
        checked += 1
    assert checked >= 5 and with_findings >= 3


def test_the_cross_pack_has_cross_file_findings(cross: Path) -> None:
    codes = {d.code for d in _one_file(cross / "actions" / "workflows" / "deploy.workflow.yaml")}
    assert {"AL505", "AL453", "AL506"} <= codes  # repeated action key, parameters, unknown action
    message = next(d for d in _one_file(cross / "actions" / "workflows" / "deploy.workflow.yaml") if d.code == "AL506")
    assert message.suggestion == "did you mean 'xpack.runner'?"


def _read_action_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    read: list[str] = []
    real = workspace_module.read_yaml_file

    def counting(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        read.append(str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(workspace_module, "read_yaml_file", counting)
    return read


def test_a_graph_file_reads_only_the_actions_it_needs(generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pack = generated / "gen_pack_00"
    graph = sorted((pack / "actions" / "workflows").glob("*.yaml"))[3]
    read = _read_action_files(monkeypatch)
    _one_file(graph)
    actions = [p for p in read if Path(p).parent.name == "actions"]
    assert 1 <= len(actions) <= 5, actions  # the linking action and the runner actions it calls
    assert str(pack / "actions" / (graph.name.replace(".workflow", ""))) in actions
    assert len(list((pack / "actions").glob("*.yaml"))) > 20


def test_a_full_run_and_an_action_file_still_read_every_action(cross: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    every = len(list((cross / "actions").glob("*.yaml")))
    read = _read_action_files(monkeypatch)
    _one_file(cross / "actions" / "runner.yaml")
    assert len([p for p in read if Path(p).parent.name == "actions"]) == every
    read.clear()
    lint([cross / "workflows" / "clean.yaml"], Settings())  # the library's default: every pack whole
    assert len([p for p in read if Path(p).parent.name == "actions"]) == every


def _needed(pack_root: Path, *checked: str) -> list[str] | None:
    store = DocumentStore(1 << 20)
    pack = load_pack(pack_root, store, None)
    files = PackFiles.scan(pack_root)
    found = needed_actions(pack, files, [pack_root / c for c in checked], store)
    return None if found is None else [p.name for p in found]


def test_needed_actions_by_case(cross: Path) -> None:
    # the two actions that link the graph, the called runner and the escaped file (a backslash)
    assert _needed(cross, "workflows/clean.yaml") == ["escaped.yaml", "runner.yaml"]
    # an unknown ref of the pack: every action file (the finding names the closest of all)
    assert _needed(cross, "actions/workflows/deploy.workflow.yaml") is None
    assert _needed(cross, "actions/workflows/escaped.workflow.yaml") == ["deploy.yaml", "deploy_again.yaml", "escaped.yaml"]
    assert _needed(cross, "pack.yaml") == []
    assert _needed(cross, "actions/runner.yaml") is None  # an action file re-checks the pack


def test_a_partial_pack_is_marked_and_a_whole_one_is_not(cross: Path) -> None:
    needed = load_paths([cross / "workflows" / "clean.yaml"], LoaderConfig(context_actions="needed"))
    assert needed.packs[0].partial and len(needed.packs[0].actions) == 2
    whole = load_paths([cross / "workflows" / "clean.yaml"])
    assert not whole.packs[0].partial and len(whole.packs[0].actions) == len(list((cross / "actions").glob("*.yaml")))


def test_a_partial_pack_is_not_another_packs_interface(tmp_path: Path) -> None:
    # One run checks a file of each of two packs; b's workflow calls an action of a that
    # a's own checked file does not need: it must still be known.
    write_files(tmp_path, {
        "a/pack.yaml": 'ref: a\nversion: "1.0.0"\n',
        "a/actions/x.yaml": "ref: a.x\nrunner_type: shell\nentry_point: x.sh\n",
        "a/actions/y.yaml": "ref: a.y\nrunner_type: shell\nentry_point: y.sh\n",
        "a/workflows/w.yaml": 'ref: a.w\nversion: "1"\ntasks:\n  - name: t\n    action: a.x\n',
        "b/pack.yaml": 'ref: b\nversion: "1.0.0"\n',
        "b/workflows/w.yaml": 'ref: b.w\nversion: "1"\ntasks:\n  - name: t\n    action: a.y\n',
    })
    files = [tmp_path / "a" / "workflows" / "w.yaml", tmp_path / "b" / "workflows" / "w.yaml"]
    assert lint(files, Settings(), jobs=1, keep_trees=False).diagnostics == lint(files, Settings()).diagnostics
    assert not [d for d in lint(files, Settings(), jobs=1, keep_trees=False).diagnostics if d.code == "AL506"]


def _cli_modules(cwd: Path, *args: str) -> tuple[int, list[str], str]:
    code = ("import sys, json; from attune_lint.cli import main; rc = main(sys.argv[1:]); "
            "print(json.dumps([rc, sorted(m for m in sys.modules if m.split('.')[0] in "
            "('jsonschema', 'referencing', 'attune_lint'))]))")
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, env=env,
                          check=True)
    rc, modules = json.loads(done.stdout.strip().splitlines()[-1])
    return rc, modules, done.stdout


def test_a_valid_file_is_checked_without_jsonschema(cross: Path) -> None:
    rc, modules, _ = _cli_modules(cross, "check", "--no-cache", "--no-config", "workflows/clean.yaml")
    assert rc == 0
    assert not [m for m in modules if m.split(".")[0] in ("jsonschema", "referencing")]
    # only the command that runs is imported
    assert [m for m in modules if m.startswith("attune_lint.commands.")] == ["attune_lint.commands.check"]


def test_an_invalid_file_is_explained_by_jsonschema(cross: Path) -> None:
    rc, modules, out = _cli_modules(cross, "check", "--no-cache", "--no-config", "--no-snippet",
                                    "actions/workflows/unlinked.workflow.yaml")
    assert rc == 1
    assert "jsonschema" in modules
    assert "AL205 'version' is a string, but YAML reads the unquoted 1.10 as 1.1" in out
