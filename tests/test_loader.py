"""Discovery and the platform-named loader API."""
from __future__ import annotations

from pathlib import Path

from attune_lint import LoaderConfig, WorkflowLoader
from attune_lint.workspace.discovery import select, workflow_name
from attune_lint.workspace.workspace import load_paths
from attune_testkit import EXAMPLES, PACK_YAML, write_files

GRAPH = 'version: "1.0.0"\ntasks:\n  - name: a\n    action: core.echo\n'


def test_workflow_name_drops_one_workflow_suffix() -> None:
    assert workflow_name("deploy.workflow.yaml") == "deploy"
    assert workflow_name("deploy.yml") == "deploy"
    assert workflow_name("a.workflow.workflow.yaml") == "a.workflow"


def test_load_all_workflows_of_the_examples() -> None:
    loader = WorkflowLoader(LoaderConfig(packs_base_dir=EXAMPLES))
    workflows = loader.load_all_workflows()
    assert {"acme.rolling_deploy", "acme.fleet_health_report", "legacy_ops.rotate_logs",
            "legacy_ops.restart_service"} <= set(workflows)
    deploy = workflows["acme.rolling_deploy"]
    assert deploy.file.layout == "action-linked" and deploy.file.pack == "acme"
    assert deploy.file.path.name == "rolling_deploy.workflow.yaml"
    assert deploy.findings == [] and deploy.definition["version"]
    rotate = workflows["legacy_ops.rotate_logs"]
    assert rotate.file.layout == "standalone" and rotate.findings == []
    broken = loader.load_pack_workflows("broken")
    assert any(w.findings for w in broken.values())


def test_skip_validation_keeps_only_loading_findings(tmp_path: Path) -> None:
    write_files(tmp_path / "acme", {"pack.yaml": PACK_YAML,
                                    "workflows/w.yaml": GRAPH.replace("core.echo", "core.nope")})
    checked = WorkflowLoader(LoaderConfig(packs_base_dir=tmp_path)).load_pack_workflows("acme")
    raw = WorkflowLoader(LoaderConfig(packs_base_dir=tmp_path, skip_validation=True)).load_pack_workflows("acme")
    assert [d.code for d in checked["acme.w"].findings] == ["AL506"]
    assert raw["acme.w"].findings == []


def test_actions_workflows_file_overrides_workflows_file_of_same_ref(tmp_path: Path) -> None:
    write_files(tmp_path / "acme", {"pack.yaml": PACK_YAML, "workflows/deploy.yaml": GRAPH,
                                    "actions/workflows/deploy.workflow.yaml": GRAPH})
    workflows = WorkflowLoader(LoaderConfig(packs_base_dir=tmp_path)).load_pack_workflows("acme")
    assert list(workflows) == ["acme.deploy"]
    assert workflows["acme.deploy"].file.path.parent.parent.name == "actions"


def test_graph_ref_wins_over_action_ref_and_several_actions_share_a_graph(tmp_path: Path) -> None:
    write_files(tmp_path / "acme", {
        "pack.yaml": PACK_YAML,
        "actions/a.yaml": "ref: acme.a\nworkflow_file: workflows/g.workflow.yaml\n",
        "actions/b.yaml": "ref: acme.b\nworkflow_file: workflows/g.workflow.yaml\n",
        "actions/workflows/g.workflow.yaml": GRAPH,
    })
    workspace = load_paths([tmp_path / "acme"])
    assert sorted(w.ref for w in workspace.workflows) == ["acme.a", "acme.b"]


def test_selection_mixes_packs_folders_and_files(tmp_path: Path) -> None:
    write_files(tmp_path / "packs" / "one", {"pack.yaml": PACK_YAML.replace("acme", "one")})
    write_files(tmp_path / "packs" / "two", {"pack.yaml": PACK_YAML.replace("acme", "two"), "workflows/w.yaml": GRAPH})
    loose = write_files(tmp_path / "loose", {"w.yaml": GRAPH})
    selection = select([tmp_path / "packs", tmp_path / "packs" / "two" / "workflows" / "w.yaml", loose / "w.yaml",
                        tmp_path / "nope"])
    assert sorted(p.name for p in selection.packs) == ["one", "two"]
    assert selection.packs[tmp_path / "packs" / "two"] is None  # the whole pack, not just the file
    assert selection.lone_files == [loose / "w.yaml"]
    assert selection.missing == [tmp_path / "nope"]


def test_max_file_size_is_honoured(tmp_path: Path) -> None:
    write_files(tmp_path / "acme", {"pack.yaml": PACK_YAML, "workflows/w.yaml": GRAPH})
    workflows = WorkflowLoader(LoaderConfig(packs_base_dir=tmp_path, max_file_size=20)).load_pack_workflows("acme")
    assert [d.code for d in workflows["acme.w"].findings] == ["AL108"]


def test_ci_workflow_folders_are_not_packs(tmp_path: Path) -> None:
    write_files(tmp_path / "repo", {"ci/workflows/build.yaml": "name: ci\non: push\njobs: {}\n",
                                    "packs/acme/pack.yaml": PACK_YAML, "packs/acme/workflows/w.yaml": GRAPH,
                                    "packs/acme/workflows/.yaml": "x: 1\n"})
    selection = select([tmp_path / "repo"])
    assert list(selection.packs) == [tmp_path / "repo" / "packs" / "acme"]
    assert selection.lone_files == []
    workspace = load_paths([tmp_path / "repo"])
    assert sorted(t.path.name for t in workspace.targets) == ["pack.yaml", "w.yaml"]


def test_a_folder_named_on_the_command_line_with_a_pack_layout_is_a_pack(tmp_path: Path) -> None:
    write_files(tmp_path / "p", {"actions/a.yaml": "ref: p.a\nworkflow_file: workflows/a.workflow.yaml\n",
                                 "actions/workflows/a.workflow.yaml": GRAPH})
    assert list(select([tmp_path / "p"]).packs) == [tmp_path / "p"]
