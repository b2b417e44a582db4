"""The stored definition, table by table (attune-format.md §3.6, §6.4). No database."""
from __future__ import annotations

from pathlib import Path

import pytest

from attune_lint.registrar.normalize import (
    label_from_name,
    legacy_transitions,
    normalize_definition,
    normalize_task,
    stored_workflow,
)
from registrar_helpers import load_pack

S, F, T = "{{ succeeded() }}", "{{ failed() }}", "{{ timed_out() }}"
PUB = [{"x": "{{ result() }}"}]

# (legacy task fields, expected `next`) — order and publish attachment of §3.6.
LEGACY_CASES = [
    ({"on_success": "a"}, [{"when": S, "do": ["a"]}]),
    ({"on_failure": "b"}, [{"when": F, "do": ["b"]}]),
    ({"on_complete": "c"}, [{"do": ["c"]}]),
    ({"on_timeout": "d"}, [{"when": T, "do": ["d"]}]),
    # fixed order whatever the key order in the file
    ({"on_timeout": "d", "on_complete": "c", "on_failure": "b", "on_success": "a"},
     [{"when": S, "do": ["a"]}, {"when": F, "do": ["b"]}, {"do": ["c"]}, {"when": T, "do": ["d"]}]),
    # decision branches after the on_* ones; `default` dropped, a default branch unconditional
    ({"on_failure": "b", "decision": [{"when": "{{ x }}", "next": "p"}, {"default": True, "next": "q"}]},
     [{"when": F, "do": ["b"]}, {"when": "{{ x }}", "do": ["p"]}, {"do": ["q"]}]),
    # publish goes to the first transition whose when contains succeeded()
    ({"on_failure": "b", "on_success": "a", "publish": PUB},
     [{"when": S, "publish": PUB, "do": ["a"]}, {"when": F, "do": ["b"]}]),
    ({"decision": [{"when": "{{ 1 }}", "next": "p"}, {"when": "{{ succeeded() and y }}", "next": "q"}],
      "publish": PUB},
     [{"when": "{{ 1 }}", "do": ["p"]}, {"when": "{{ succeeded() and y }}", "publish": PUB, "do": ["q"]}]),
    # no transitions: a publish-only succeeded() transition
    ({"publish": ["bare"]}, [{"when": S, "publish": ["bare"]}]),
    # no succeeded() transition: the first one, whatever its condition
    ({"on_failure": "b", "on_timeout": "d", "publish": PUB},
     [{"when": F, "publish": PUB, "do": ["b"]}, {"when": T, "do": ["d"]}]),
    ({}, []),
]


@pytest.mark.parametrize(("legacy", "expected"), LEGACY_CASES)
def test_legacy_fields_become_next(legacy: dict, expected: list) -> None:
    assert legacy_transitions(legacy) == expected
    task = normalize_task({"name": "t", "action": "p.a", **legacy})
    assert task["next"] == expected
    for key in ("on_success", "on_failure", "on_complete", "on_timeout", "decision", "publish"):
        assert key not in task


def test_non_empty_next_discards_legacy_fields_and_publish() -> None:
    task = normalize_task({"name": "t", "action": "p.a", "on_success": "x", "publish": PUB,
                           "next": [{"when": F, "do": ["y"]}]})
    assert task["next"] == [{"when": F, "do": ["y"]}]
    assert "publish" not in task and "on_success" not in task


def test_task_defaults_written_out_and_unknown_keys_dropped() -> None:
    task = normalize_task({"name": "t", "action": "p.a", "delay": 5, "on-success": "x",
                           "__chart_meta__": {"position": {"x": 1, "y": 2}}})
    assert task == {
        "name": "t", "type": "action", "action": "p.a", "input": {}, "permission_set_refs": None,
        "trace_tag_template": None, "worker_selector": None, "worker_tolerations": None,
        "worker_affinity": None, "when": None, "with_items": None, "iterate_cache": None,
        "batch_size": None, "concurrency": None, "retry": None, "timeout": None, "wait_for": None,
        "next": [], "join": None, "tasks": None, "__chart_meta__": {"position": {"x": 1, "y": 2}},
    }


@pytest.mark.parametrize(("raw", "expected"), [
    ({"count": 3, "delay": 5}, {"count": 3, "delay": 5, "backoff": "constant", "max_delay": None, "on_error": None}),
    ({"count": 1, "delay": 0, "backoff": "exponential", "max_delay": 60, "junk": 1},
     {"count": 1, "delay": 0, "backoff": "exponential", "max_delay": 60, "on_error": None}),
])
def test_retry_defaults(raw: dict, expected: dict) -> None:
    assert normalize_task({"name": "t", "action": "p.a", "retry": raw})["retry"] == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ({"namespace": "users"}, {"namespace": "users", "generation": "active", "page_size": 100, "require_fresh": False}),
    ({"namespace": "n", "owner_type": "pack", "page_size": 5},
     {"owner_type": "pack", "namespace": "n", "generation": "active", "page_size": 5, "require_fresh": False}),
])
def test_iterate_cache_defaults(raw: dict, expected: dict) -> None:
    assert normalize_task({"name": "t", "action": "p.a", "iterate_cache": raw})["iterate_cache"] == expected


def test_transition_keys_kept_and_empty_ones_omitted() -> None:
    task = normalize_task({"name": "t", "action": "p.a", "next": [
        {"when": S, "publish": [], "do": ["a"], "label": "dropped"},
        {"publish": PUB, "__chart_meta__": {"color": "red"}},
    ]})
    assert task["next"] == [{"when": S, "do": ["a"]}, {"publish": PUB, "__chart_meta__": {"color": "red"}}]


def test_sub_tasks_normalised_one_level_only() -> None:
    deep = {"name": "deep", "action": "p.a", "on_success": "z",
            "decision": [{"when": "{{ w }}", "next": "z"}]}
    sub = {"name": "sub", "type": "parallel", "on_failure": "x", "tasks": [deep]}
    top = normalize_task({"name": "top", "type": "parallel", "tasks": [sub], "on_success": "n"})
    assert top["next"] == [{"when": S, "do": ["n"]}]
    assert top["tasks"][0]["next"] == [{"when": F, "do": ["x"]}]
    stored_deep = top["tasks"][0]["tasks"][0]
    # below the normalised depth the platform keeps the legacy fields as serde writes them
    assert stored_deep["next"] == []
    assert stored_deep["on_success"] == "z"
    assert stored_deep["decision"] == [{"when": "{{ w }}", "next": "z", "default": False}]


def test_definition_defaults_and_dropped_keys() -> None:
    raw = {"version": 1.0, "name": "ignored", "output_schema": {"a": 1}, "metadata": {},
           "tasks": [{"name": "a", "action": "p.a"}], "output_map": {"n": 5, "s": "{{ x }}"}}
    out = normalize_definition(raw)
    assert out == {
        "ref": "", "label": "", "description": None, "version": "1.0", "parameters": None,
        "output": None, "vars": {}, "tasks": [normalize_task({"name": "a", "action": "p.a"})],
        "output_map": {"n": "5", "s": "{{ x }}"}, "tags": [],
    }


@pytest.mark.parametrize(("policy", "stored"), [
    (None, None), ("allow_finish", None), ("cancel_running", "cancel_running")])
def test_cancellation_policy_omitted_when_default(policy: str | None, stored: str | None) -> None:
    raw = {"version": "1", "tasks": []}
    if policy is not None:
        raw["cancellation_policy"] = policy
    assert normalize_definition(raw).get("cancellation_policy") == stored


@pytest.mark.parametrize(("name", "label"), [("deploy_app", "Deploy App"), ("x", "X"), ("a-b_c", "A-b C"), ("a__b", "A B")])
def test_generated_label(name: str, label: str) -> None:
    assert label_from_name(name) == label


def test_action_linked_fill_and_schemas(make_pack) -> None:
    root = make_pack("shop", {
        "actions/order.yaml": """
            ref: shop.order
            label: Place Order
            description: Orders things.
            tags: [orders, 3]
            workflow_file: workflows/order.workflow.yaml
            parameters:
              item: {type: string, required: true}
            """,
        "actions/workflows/order.workflow.yaml": """
            version: "2.0"
            parameters:
              ignored: {type: string}
            output:
              total: {type: number}
            tasks:
              - name: a
                action: core.noop
            """,
    })
    _, workflows = load_pack(root)
    (loaded,) = workflows
    stored = stored_workflow(loaded)
    assert (stored.ref, stored.label, stored.description, stored.tags) == (
        "shop.order", "Place Order", "Orders things.", ["orders"])
    d = stored.definition
    assert (d["ref"], d["label"], d["description"], d["tags"]) == ("shop.order", "Place Order", "Orders things.", ["orders"])
    # the action's schema wins; the graph's is the fallback
    assert stored.param_schema == {"item": {"type": "string", "required": True}}
    assert stored.out_schema == {"total": {"type": "number"}}
    assert stored.action["entrypoint"] == "workflows/order.workflow.yaml"
    assert stored.action["param_schema"] == {"item": {"type": "string", "required": True}}
    assert stored.action["out_schema"] is None


def test_action_linked_label_generated_and_description_empty(make_pack) -> None:
    root = make_pack("shop", {
        "actions/deploy_app.yaml": "ref: shop.deploy_app\nworkflow_file: workflows/d.yaml\n",
        "actions/workflows/d.yaml": 'version: "1"\ntasks:\n  - name: a\n    action: core.noop\n',
    })
    (loaded,) = load_pack(root)[1]
    stored = stored_workflow(loaded)
    assert (stored.label, stored.description) == ("Deploy App", "")
    assert stored.param_schema is None and stored.out_schema is None


def test_standalone_keeps_definition_unfilled(make_pack) -> None:
    root = make_pack("ops", {"workflows/cleanup.yaml": """
        version: "1.0"
        parameters:
          days: {type: integer, default: 7}
        tasks:
          - name: a
            action: core.noop
        """})
    (loaded,) = load_pack(root)[1]
    stored = stored_workflow(loaded)
    assert stored.ref == "ops.cleanup" and stored.label == "cleanup"
    assert stored.definition["ref"] == "" and stored.definition["label"] == ""
    assert stored.param_schema == {"days": {"type": "integer", "default": 7}}
    assert stored.action["entrypoint"] == "workflows/cleanup.workflow.yaml"
    assert stored.lookup_ref == "ops.cleanup"


def test_corpus_inquiry_workflow(corpus_packs: Path) -> None:
    """A real action-linked pair: ref and label from the action, `next` kept as written."""
    _, workflows = load_pack(corpus_packs / "test_pack")
    (loaded,) = [w for w in workflows if w.file.layout == "action-linked"]
    stored = stored_workflow(loaded)
    assert stored.ref == "test_pack.inquiry_workflow"
    assert stored.definition["label"] == "Inquiry Workflow"
    guarded = stored.definition["tasks"][1]
    assert guarded["wait_for"] == {"inquiry": "{{ task.request_inquiry.inquiry_id }}"}
    assert [t.get("do") for t in guarded["next"]] == [["approved_handler"], ["denied_handler"], ["timeout_handler"]]
    assert stored.definition["vars"] == {"outcome": "pending", "response": None}


def test_action_linked_action_carries_the_loaders_fields(make_pack) -> None:
    root = make_pack("shop", {
        "actions/order.yaml": """
            ref: shop.order
            workflow_file: workflows/order.workflow.yaml
            runtime_version: ">=3.11"
            required_worker_runtimes: {python: ">=3.11"}
            worker_tolerations: [{key: gpu}]
            parameter_delivery: FILE
            output_format: Json
            accesses_mcp: true
            log_retention_policy: days
            log_retention_limit: 7
            timeout_seconds: 60
            default_execution_permission_set_refs: ["  core.admin ", "", "   ", shop.ops]
            """,
        "actions/workflows/order.workflow.yaml": """
            version: "2.0"
            tasks:
              - name: a
                action: core.noop
            """,
    })
    _, (loaded,) = load_pack(root)
    stored = stored_workflow(loaded)
    a = stored.action
    assert a["label"] == "Order"
    assert (a["runtime_version_constraint"], a["required_worker_runtimes"], a["worker_tolerations"]) == (
        ">=3.11", {"python": ">=3.11"}, [{"key": "gpu"}])
    assert (a["worker_selector"], a["worker_affinity"]) == ({}, {})
    assert (a["parameter_delivery"], a["parameter_format"], a["output_format"]) == ("file", "json", "json")
    assert (a["accesses_mcp"], a["log_retention_policy"], a["log_retention_limit"], a["timeout_seconds"]) == (
        True, "days", 7, 60)
    assert a["default_execution_permission_set_refs"] == ["core.admin", "shop.ops"]
    # on update: all of these again (description cleared), but enabled/visibility only when given
    assert {"description", "runtime_version_constraint", "timeout_seconds"} <= stored.action_update
    assert not {"enabled", "reference_visibility", "reference_allowed_pack_refs", "param_schema"} & stored.action_update
    assert stored.description == ""  # neither file has one: the loader stores "" in the definition
