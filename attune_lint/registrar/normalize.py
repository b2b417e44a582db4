"""What the platform stores for a workflow: the normalised definition and the row values.

Mirrors ``parse_workflow_yaml`` + ``serde_json::to_value`` of the platform's parser
(attune-format.md §2, §3, §3.6) and the writers of §6.4:

* legacy ``on_success``/``on_failure``/``on_complete``/``on_timeout``/``decision`` and
  task-level ``publish`` become ``next`` (fixed order, publish attachment rules), for
  top-level tasks and their direct sub-tasks only; a non-empty ``next`` discards them;
* every field of the parser's structs is written out with its default (``input: {}``,
  ``vars: {}``, ``type: "action"``, ``null`` for absent optional fields), fields with
  ``skip_serializing_if`` are left out when empty, ``cancellation_policy`` is left out
  when it is the default, and unknown keys are dropped;
* for the action-linked layout, ``ref``/``label``/``description``/``tags`` are filled
  from the action (pack component loader); for standalone files they are not
  (registrar), and the label column falls back to the file name.

Pure data in, pure data out: no database, no YAML positions.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from attune_lint.check.workflow_view import LEGACY_CONDITIONS, LEGACY_TRANSITIONS
from attune_lint.workspace.pack import LoadedWorkflow

DEFAULT_CANCELLATION_POLICY = "allow_finish"


def yaml_text(value: Any) -> Any:
    """A YAML scalar read as a Rust ``String`` (serde_yaml reads ``1.0`` as ``"1.0"``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    return value


def _opt_text(value: Any) -> Any:
    return None if value is None else yaml_text(value)


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _map(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


# -- transitions ---------------------------------------------------------------------------


def normalize_transition(raw: Any) -> dict[str, Any]:
    """A ``TaskTransition``: ``when``/``publish``/``do``/``__chart_meta__``, each omitted
    when absent or empty (``skip_serializing_if``); other keys dropped."""
    data = _map(raw)
    out: dict[str, Any] = {}
    if data.get("when") is not None:
        out["when"] = yaml_text(data["when"])
    publish = _list(data.get("publish"))
    if publish:
        out["publish"] = publish
    if data.get("do") is not None:
        out["do"] = [yaml_text(t) for t in _list(data["do"])]
    if data.get("__chart_meta__") is not None:
        out["__chart_meta__"] = data["__chart_meta__"]
    return out


def legacy_transitions(task: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``next`` list built from a task's legacy fields (§3.6), in the platform's order.

    Returns ``[]`` when the task has no legacy transitions and no task-level publish.
    """
    transitions: list[dict[str, Any]] = []
    for key, when in LEGACY_CONDITIONS.items():  # the platform's order
        target = task.get(key)
        if target is not None:
            transition: dict[str, Any] = {"do": [yaml_text(target)]}
            if when is not None:
                transition = {"when": when, **transition}
            transitions.append(transition)
    for branch in _list(task.get("decision")):
        branch = _map(branch)
        transition = {"do": [yaml_text(branch.get("next"))]}
        if branch.get("when") is not None:  # a `default: true` branch becomes unconditional
            transition = {"when": yaml_text(branch["when"]), **transition}
        transitions.append(transition)
    publish = _list(task.get("publish"))
    if publish:
        succeeded_at = next((i for i, t in enumerate(transitions) if "succeeded()" in t.get("when", "")), None)
        if succeeded_at is not None:
            transitions[succeeded_at]["publish"] = publish
        elif not transitions:
            transitions.append({"when": LEGACY_CONDITIONS["on_success"], "publish": publish})
        else:  # attached to the first transition whatever its condition
            transitions[0]["publish"] = publish
    # Key order as the struct serialises it: when, publish, do.
    return [{k: t[k] for k in ("when", "publish", "do") if k in t} for t in transitions]


# -- tasks ---------------------------------------------------------------------------------


def _retry(raw: Any) -> Any:
    if not isinstance(raw, dict):
        return raw
    return {
        "count": raw.get("count"),
        "delay": raw.get("delay"),
        "backoff": raw.get("backoff", "constant"),
        "max_delay": raw.get("max_delay"),
        "on_error": _opt_text(raw.get("on_error")),
    }


def _iterate_cache(raw: Any) -> Any:
    if not isinstance(raw, dict):
        return raw
    out: dict[str, Any] = {}
    for key in ("owner_type", "owner_ref"):  # skip_serializing_if = None
        if raw.get(key) is not None:
            out[key] = yaml_text(raw[key])
    out["namespace"] = _opt_text(raw.get("namespace"))
    out["generation"] = yaml_text(raw.get("generation", "active"))
    out["page_size"] = raw.get("page_size", 100)
    out["require_fresh"] = raw.get("require_fresh", False)
    return out


def normalize_task(raw: Any, depth: int = 0) -> dict[str, Any]:
    """A ``Task`` as the platform serialises it after parsing.

    ``depth`` 0 is a top-level task, 1 a direct sub-task of a parallel task: legacy
    transitions are converted at those two depths only, as the platform does; deeper
    sub-tasks keep their (non-empty) legacy fields in the stored JSON.
    """
    task = _map(raw)
    next_list = [normalize_transition(t) for t in _list(task.get("next"))]
    legacy: dict[str, Any] = {}
    if depth <= 1:
        if not next_list:
            next_list = legacy_transitions(task)
    else:
        legacy = _legacy_as_stored(task)
    sub_tasks = task.get("tasks")
    permission = task.get("permission_set_refs", task.get("permission_set_ref"))
    out: dict[str, Any] = {
        "name": yaml_text(task.get("name")),
        "type": task.get("type", "action"),
        "action": _opt_text(task.get("action")),
        "input": _map(task.get("input")) if task.get("input") is not None else {},
        "permission_set_refs": permission,
        "trace_tag_template": _opt_text(task.get("trace_tag_template")),
        "worker_selector": task.get("worker_selector"),
        "worker_tolerations": task.get("worker_tolerations"),
        "worker_affinity": task.get("worker_affinity"),
        "when": _opt_text(task.get("when")),
        "with_items": _opt_text(task.get("with_items")),
        "iterate_cache": _iterate_cache(task.get("iterate_cache")),
        "batch_size": task.get("batch_size"),
        "concurrency": task.get("concurrency"),
        "retry": _retry(task.get("retry")),
        "timeout": task.get("timeout"),
        "wait_for": task.get("wait_for"),
        "next": next_list,
        **legacy,
        "join": task.get("join"),
        "tasks": [normalize_task(s, depth + 1) for s in sub_tasks] if isinstance(sub_tasks, list) else None,
    }
    if task.get("__chart_meta__") is not None:
        out["__chart_meta__"] = task["__chart_meta__"]
    return out


def _legacy_as_stored(task: dict[str, Any]) -> dict[str, Any]:
    """Legacy fields of a task below the normalised depth, as serde writes them
    (``skip_serializing_if`` None/empty; decision branches with their ``default``)."""
    if _list(task.get("next")):
        return {}
    out: dict[str, Any] = {}
    for key in LEGACY_TRANSITIONS:
        if task.get(key) is not None:
            out[key] = yaml_text(task[key])
    decision = [
        {"when": _opt_text(_map(b).get("when")), "next": _opt_text(_map(b).get("next")),
         "default": bool(_map(b).get("default", False))}
        for b in _list(task.get("decision"))
    ]
    if decision:
        out["decision"] = decision
    if _list(task.get("publish")):
        out["publish"] = _list(task.get("publish"))
    return out


# -- whole definition ----------------------------------------------------------------------


def normalize_definition(raw: dict[str, Any]) -> dict[str, Any]:
    """The ``WorkflowDefinition`` the platform stores for a parsed graph (no fill-ins)."""
    data = _map(raw)
    output_map = data.get("output_map")
    out: dict[str, Any] = {
        "ref": yaml_text(data.get("ref")) if data.get("ref") is not None else "",
        "label": yaml_text(data.get("label")) if data.get("label") is not None else "",
        "description": _opt_text(data.get("description")),
        "version": _opt_text(data.get("version")),
        "parameters": data.get("parameters"),
        "output": data.get("output"),
        "vars": _map(data.get("vars")),
        "tasks": [normalize_task(t) for t in _list(data.get("tasks"))],
        "output_map": ({str(k): yaml_text(v) for k, v in output_map.items()}
                       if isinstance(output_map, dict) else None),
        "tags": [yaml_text(t) for t in _list(data.get("tags"))],
    }
    policy = data.get("cancellation_policy", DEFAULT_CANCELLATION_POLICY)
    if policy is not None and policy != DEFAULT_CANCELLATION_POLICY:
        out["cancellation_policy"] = policy
    return out


def label_from_name(name: str) -> str:
    """The platform's generated label (``generate_label``): split on ``_`` only,
    ``deploy_app`` → ``Deploy App``, ``deploy-app`` → ``Deploy-app``."""
    words = name.split("_")
    return " ".join(w[:1].upper() + w[1:] for w in words if w)


# -- rows ----------------------------------------------------------------------------------


@dataclass
class StoredWorkflow:
    """The values one workflow puts in ``workflow_definition`` and its companion action.

    ``lookup_ref`` is the ref the platform uses to find an existing row (equal to
    ``ref`` except for standalone files whose YAML ``ref`` differs from the file name).
    """

    ref: str
    pack_ref: str
    label: str
    description: str | None
    version: Any
    param_schema: Any
    out_schema: Any
    definition: dict[str, Any]
    tags: list[str]
    action: dict[str, Any] = field(default_factory=dict)
    lookup_ref: str = ""
    # The action columns an existing row gets again (the others keep their value).
    action_update: frozenset[str] = frozenset()


# What the workflow registrar creates a companion action with (ActionRepository::create).
STANDALONE_ACTION_DEFAULTS: dict[str, Any] = {
    "enabled": True,
    "reference_visibility": "public",
    "reference_allowed_pack_refs": [],
    "default_execution_permission_set_refs": [],
    "runtime_version_constraint": None,
    "required_worker_runtimes": {},
    "worker_selector": {},
    "worker_tolerations": [],
    "worker_affinity": {},
    "parameter_delivery": "stdin",
    "parameter_format": "json",
    "output_format": "text",
    "accesses_mcp": False,
    "log_retention_policy": None,
    "log_retention_limit": None,
    "artifact_retention_policy": None,
    "artifact_retention_limit": None,
    "timeout_seconds": None,
}


def _or(value: Any, default: Any) -> Any:
    return default if value is None else value


def _lower(value: Any, default: str) -> Any:
    """A format name as the loader stores it: the YAML string lowercased."""
    return default if value is None else (yaml_text(value).lower() if isinstance(yaml_text(value), str) else value)


def _text_list(value: Any) -> list[Any]:
    """A list of strings as given (a null entry kept: the database refuses it)."""
    return [None if v is None else yaml_text(v) for v in _list(value)]


def permission_set_refs(value: Any) -> list[str]:
    """The loader's default_execution_permission_set_refs: strings trimmed, empties dropped."""
    return [v.strip() for v in _list(value) if isinstance(v, str) and v.strip()]


def _string_tags(value: Any) -> list[str]:
    return [t for t in _list(value) if isinstance(t, str)]


def stored_workflow(loaded: LoadedWorkflow, pack_ref: str | None = None) -> StoredWorkflow:
    """What the platform writes for ``loaded`` (§6.4), by layout."""
    graph = loaded.definition if isinstance(loaded.definition, dict) else {}
    definition = normalize_definition(graph)
    pack_ref = pack_ref or (loaded.pack.ref if loaded.pack is not None else loaded.file.pack)
    if loaded.file.layout == "action-linked" and loaded.action is not None:
        return _action_linked(loaded, definition, pack_ref)
    return _standalone(loaded, definition, pack_ref)


def _action_linked(loaded: LoadedWorkflow, definition: dict[str, Any], pack_ref: str) -> StoredWorkflow:
    """Pack component loader: fill the graph from the action, schemas from the action."""
    assert loaded.action is not None
    action = _map(loaded.action.data)
    action_ref = yaml_text(action.get("ref")) or loaded.file.ref
    action_name = action_ref.split(".", 1)[-1] if isinstance(action_ref, str) else loaded.file.name
    action_label = yaml_text(action.get("label")) or label_from_name(action_name)
    if not definition["ref"]:
        definition["ref"] = action_ref
    if not definition["label"]:
        definition["label"] = action_label
    if definition["description"] is None:
        definition["description"] = yaml_text(action.get("description")) or ""
    if not definition["tags"]:
        definition["tags"] = _string_tags(action.get("tags"))
    graph = loaded.definition if isinstance(loaded.definition, dict) else {}
    param_schema = action["parameters"] if action.get("parameters") is not None else graph.get("parameters")
    out_schema = action["output"] if action.get("output") is not None else graph.get("output")
    action_row = {
        "ref": action_ref,
        "label": action_label,
        "description": _opt_text(action.get("description")),
        "entrypoint": yaml_text(action.get("workflow_file")) or loaded.file.path.name,
        "param_schema": action.get("parameters"),
        "out_schema": action.get("output"),
        "enabled": action.get("enabled", True) is not False,
        "reference_visibility": _opt_text(action.get("reference_visibility", "public")),
        "reference_allowed_pack_refs": _text_list(action.get("reference_allowed_pack_refs")),
        "default_execution_permission_set_refs":
            permission_set_refs(action.get("default_execution_permission_set_refs")),
        "runtime_version_constraint": _opt_text(action.get("runtime_version")),
        "required_worker_runtimes": _or(action.get("required_worker_runtimes"), {}),
        "worker_selector": _or(action.get("worker_selector"), {}),
        "worker_tolerations": _or(action.get("worker_tolerations"), []),
        "worker_affinity": _or(action.get("worker_affinity"), {}),
        "parameter_delivery": _lower(action.get("parameter_delivery"), "stdin"),
        "parameter_format": _lower(action.get("parameter_format"), "json"),
        "output_format": _lower(action.get("output_format"), "text"),
        "accesses_mcp": action.get("accesses_mcp") is True,
        "log_retention_policy": _opt_text(action.get("log_retention_policy")),
        "log_retention_limit": action.get("log_retention_limit"),
        "artifact_retention_policy": _opt_text(action.get("artifact_retention_policy")),
        "artifact_retention_limit": action.get("artifact_retention_limit"),
        "timeout_seconds": action.get("timeout_seconds"),
    }
    # The pack loader's ActionRepository::update: everything is set again (a missing
    # description or constraint is cleared), except the schemas (only when given) and,
    # for attune-lint, enabled/visibility (only when the YAML says so: a platform
    # operator's change is not undone by a re-registration that does not mention them).
    update = set(action_row) - {"ref", "param_schema", "out_schema", "enabled",
                                "reference_visibility", "reference_allowed_pack_refs"}
    update |= {k for k in ("param_schema", "out_schema") if action_row[k] is not None}
    update |= {k for k in ("enabled", "reference_visibility", "reference_allowed_pack_refs") if k in action}
    return StoredWorkflow(
        ref=definition["ref"], pack_ref=pack_ref, label=definition["label"],
        description=definition["description"], version=definition["version"],
        param_schema=param_schema, out_schema=out_schema, definition=definition,
        tags=_string_tags(definition["tags"]), action=action_row, lookup_ref=definition["ref"],
        action_update=frozenset(update))


def _standalone(loaded: LoadedWorkflow, definition: dict[str, Any], pack_ref: str) -> StoredWorkflow:
    """Workflow service registrar: definition without fill-ins, companion action."""
    file_ref = f"{loaded.file.pack}.{loaded.file.name}"
    ref = definition["ref"] or loaded.file.ref or file_ref
    label = definition["label"] or loaded.file.name
    graph = loaded.definition if isinstance(loaded.definition, dict) else {}
    action_row = {
        "ref": ref,
        "label": label,
        "description": definition["description"],
        "entrypoint": f"workflows/{loaded.file.name}.workflow.yaml",
        "param_schema": graph.get("parameters"),
        "out_schema": graph.get("output"),
        **STANDALONE_ACTION_DEFAULTS,
    }
    # The workflow registrar's update of the companion action: label, description
    # (cleared when missing), entrypoint, the schemas when given; nothing else.
    update = {"label", "description", "entrypoint"}
    update |= {k for k in ("param_schema", "out_schema") if action_row[k] is not None}
    return StoredWorkflow(
        ref=ref, pack_ref=pack_ref, label=label, description=definition["description"],
        version=definition["version"], param_schema=graph.get("parameters"),
        out_schema=graph.get("output"), definition=definition,
        tags=_string_tags(definition["tags"]), action=action_row, lookup_ref=file_ref,
        action_update=frozenset(update))
