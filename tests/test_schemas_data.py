"""The shipped JSON Schemas: well-formed, mutually resolvable, and right about real files.

Real files are read exactly as the linter reads them (``read_yaml_file`` + ``to_python``), so
YAML 1.2 typing (an unquoted ``1.10`` is a number) is part of what is tested.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from attune_lint.document.reader import load_yaml_text, read_yaml_file
from attune_testkit import CORPUS
from attune_lint.document.tree import MappingNode, SequenceNode, to_python

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_DIR = ROOT / "attune_lint" / "schemas"
EXAMPLES = ROOT / "examples" / "packs"
KINDS = ("pack", "action", "workflow-graph", "workflow-standalone")
# Keys whose value is free-form data or JSON Schema, not a schema property list to inspect.
ANNOTATION_ONLY = {"if", "then", "else", "not"}


def load_schemas() -> dict[str, dict[str, Any]]:
    return {kind: json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8")) for kind in KINDS}


SCHEMAS = load_schemas()
REGISTRY: Registry = Registry().with_resources(
    (schema["$id"], Resource.from_contents(schema)) for schema in SCHEMAS.values()
)


def validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(SCHEMAS[kind], registry=REGISTRY)


def errors_of(kind: str, instance: Any) -> list[tuple[str, str]]:
    """(instance path, failing keyword) of every error, sorted."""
    found = [("".join(f"/{p}" for p in error.absolute_path), str(error.validator))
             for error in validator(kind).iter_errors(instance)]
    return sorted(found)


def errors_of_file(kind: str, path: Path) -> list[tuple[str, str]]:
    document = read_yaml_file(path)
    assert document.root is not None, document.findings
    return errors_of(kind, to_python(document.root))


def from_yaml(text: str) -> Any:
    document = load_yaml_text(text, "<snippet>")
    assert not document.findings, document.findings
    return to_python(document.root)


SCHEMA_MAPS = ("properties", "$defs", "patternProperties", "dependentSchemas")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SCHEMA_VALUES = ("items", "additionalProperties", "propertyNames", "contains", "unevaluatedProperties")


def walk_schema(node: Any, path: str = "", conditions: bool = True) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every subschema with its JSON pointer; ``conditions=False`` skips if/then/else/not."""
    if not isinstance(node, dict):
        return
    yield path, node
    for key, value in node.items():
        if key in SCHEMA_MAPS and isinstance(value, dict):
            for name, sub in value.items():
                yield from walk_schema(sub, f"{path}/{key}/{name}", conditions)
        elif key in SCHEMA_LISTS and isinstance(value, list):
            for index, sub in enumerate(value):
                yield from walk_schema(sub, f"{path}/{key}/{index}", conditions)
        elif key in SCHEMA_VALUES or (conditions and key in ANNOTATION_ONLY):
            yield from walk_schema(value, f"{path}/{key}", conditions)


# --------------------------------------------------------------------------- well-formedness

@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_valid_draft_2020_12(kind: str) -> None:
    schema = SCHEMAS[kind]
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://attune-lint.dev/schemas/{kind}.schema.json"
    assert schema["title"] and schema["description"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_ref_resolves_in_the_shared_registry(kind: str) -> None:
    resolver = REGISTRY.resolver(base_uri=SCHEMAS[kind]["$id"])
    refs = [(path, node["$ref"]) for path, node in walk_schema(SCHEMAS[kind]) if "$ref" in node]
    assert refs, "each schema uses the shared definitions"
    for path, ref in refs:
        # Relative refs inside a $defs entry resolve against the file that holds it.
        resolved = resolver.lookup(ref)
        assert isinstance(resolved.contents, dict), (path, ref)


def test_standalone_schema_shares_the_graph_task_model() -> None:
    assert SCHEMAS["workflow-standalone"]["$ref"] == "workflow-graph.schema.json"
    assert "task" in SCHEMAS["workflow-graph"]["$defs"]
    assert "$defs" not in SCHEMAS["workflow-standalone"], "the task model lives in one file only"


@pytest.mark.parametrize("kind", KINDS)
def test_every_property_is_described_and_closed_objects_say_so(kind: str) -> None:
    for path, node in walk_schema(SCHEMAS[kind], conditions=False):
        for name, prop in node.get("properties", {}).items():
            assert isinstance(prop, dict) and prop.get("description"), f"{path}/properties/{name}"
        if "properties" in node:
            open_map = "x-open" in node
            assert open_map or node.get("additionalProperties") is False, f"{path} lists keys but is open"


def test_conventions_for_ignored_legacy_and_strict_keys() -> None:
    graph = SCHEMAS["workflow-graph"]
    top = graph["properties"]
    for key in ("name", "output_schema", "metadata", "input"):
        assert set(top[key]) == {"description", "x-ignored"}, key
    task = graph["$defs"]["task"]["properties"]
    assert set(task["delay"]) == {"description", "x-ignored"}
    for key in ("on_success", "on_failure", "on_complete", "on_timeout", "decision", "publish"):
        assert task[key]["deprecated"] is True and task[key]["x-legacy"], key
    assert set(task["type"]["x-legacy-values"]) == {"parallel", "workflow"}
    for name in ("iterate_cache", "wait_for"):
        assert graph["$defs"][name]["x-unknown-keys"] == "error"
        assert graph["$defs"][name]["additionalProperties"] is False


# --------------------------------------------------------------------------- real files

CLEAN_CORPUS_FILES = [
    ("pack", "packs/core/pack.yaml"),
    ("action", "tests/fixtures/packs/test_pack/actions/create_inquiry.yaml"),
    ("action", "tests/fixtures/packs/test_pack/actions/inquiry_workflow.yaml"),
    ("workflow-graph", "tests/fixtures/packs/test_pack/actions/workflows/inquiry_workflow.workflow.yaml"),
    ("action", "docs/examples/cache-iteration-workflow-action.yaml"),
    ("workflow-graph", "docs/examples/cache-iteration-workflow.workflow.yaml"),
]


@pytest.mark.parametrize(("kind", "relative"), CLEAN_CORPUS_FILES)
def test_current_corpus_files_have_no_schema_errors(kind: str, relative: str) -> None:
    assert errors_of_file(kind, CORPUS / relative) == []


def test_install_packs_fails_exactly_on_vars_and_legacy_lists() -> None:
    path = CORPUS / "packs/core/workflows/install_packs.yaml"
    assert errors_of_file("workflow-standalone", path) == [
        ("/tasks/1/on_success", "type"),   # line 87
        ("/tasks/2/on_success", "type"),   # line 97
        ("/tasks/3/on_success", "type"),   # line 112
        ("/tasks/4/on_failure", "type"),   # line 136
        ("/tasks/4/on_success", "type"),   # line 131
        ("/tasks/5/on_failure", "type"),   # line 154
        ("/vars", "type"),                 # line 54
    ]
    # The ignored top-level keys it uses are known to the schema (so the mapper can say why
    # they are ignored) rather than reported as unknown.
    data = to_python(read_yaml_file(path).root)
    ignored = {key for key, prop in SCHEMAS["workflow-graph"]["properties"].items() if "x-ignored" in prop}
    assert ignored & set(data) == {"name", "output_schema", "metadata"}


def test_install_packs_with_the_shipped_validator_flags_only_ignored_keys_as_unknown() -> None:
    # attune_lint.schemas.validator turns each x-ignored key into its own error.
    from attune_lint.schemas import validator as shipped_validator

    data = to_python(read_yaml_file(CORPUS / "packs/core/workflows/install_packs.yaml").root)
    errors = list(shipped_validator("standalone").iter_errors(data))
    flagged = sorted("".join(f"/{p}" for p in e.absolute_path) for e in errors
                     if e.validator in ("x-ignored", "additionalProperties"))
    assert flagged == ["/metadata", "/name", "/output_schema"]
    assert all(e.validator == "x-ignored" for e in errors if "".join(f"/{p}" for p in e.absolute_path) in flagged)


def test_graph_file_copied_into_a_pack_layout_validates(tmp_path: Path) -> None:
    # The same bytes under a temporary pack layout: the schema does not depend on location.
    source = CORPUS / "tests/fixtures/packs/test_pack/actions/workflows/inquiry_workflow.workflow.yaml"
    target = tmp_path / "test_pack" / "actions" / "workflows" / source.name
    target.parent.mkdir(parents=True)
    shutil.copy(source, target)
    assert errors_of_file("workflow-graph", target) == []


# --------------------------------------------------------------------------- hand-written mistakes

GRAPH_OK = """
version: "1.0"
tasks:
  - name: first
    action: core.echo
"""


@pytest.mark.parametrize(("snippet", "expected"), [
    ("version: '1.0'\ntasks: []\n", [("/tasks", "minItems")]),
    ("tasks:\n  - {name: a, action: core.echo}\n", [("", "required")]),
    ("version: 1.10\ntasks:\n  - {name: a, action: core.echo}\n", [("/version", "type")]),
    ("version: ''\ntasks:\n  - {name: a, action: core.echo}\n", [("/version", "minLength")]),
    ("version: '" + "9" * 51 + "'\ntasks:\n  - {name: a, action: core.echo}\n", [("/version", "maxLength")]),
    ("ref: '" + "a" * 256 + "'\nversion: '1'\ntasks:\n  - {name: a, action: core.echo}\n", [("/ref", "maxLength")]),
    ("version: '1'\ntasks:\n  a: {action: core.echo}\n", [("/tasks", "type")]),
    ("version: '1'\nvars:\n  - a: 1\ntasks:\n  - {name: a, action: core.echo}\n", [("/vars", "type")]),
    ("version: '1'\nvars:\n  bad name: 1\ntasks:\n  - {name: a, action: core.echo}\n", [("/vars", "pattern")]),
    ("version: '1'\ncancellation_policy: abort\ntasks:\n  - {name: a, action: core.echo}\n",
     [("/cancellation_policy", "enum")]),
    ("version: '1'\noutput_map: [a]\ntasks:\n  - {name: a, action: core.echo}\n", [("/output_map", "type")]),
    ("version: '1'\ntasks:\n  - {name: a, action: core.echo}\nvrs: {}\n", [("", "additionalProperties")]),
])
def test_graph_top_level_mistakes(snippet: str, expected: list[tuple[str, str]]) -> None:
    assert errors_of("workflow-graph", from_yaml(snippet)) == expected
    # The standalone schema shares the model, so it fails at the same place.
    assert errors_of("workflow-standalone", from_yaml(snippet)) == expected


@pytest.mark.parametrize(("task", "expected"), [
    ("{name: a}", [("/tasks/0", "required")]),
    ("{name: a, type: action}", [("/tasks/0", "required")]),
    ("{name: a, type: workflow}", [("/tasks/0", "required")]),
    ("{name: a, type: parallel}", [("/tasks/0", "required")]),
    ("{name: a, type: parallel, tasks: []}", [("/tasks/0/tasks", "minItems")]),
    ("{name: a, type: paralel, action: x.y}", [("/tasks/0/type", "enum")]),
    ("{name: a, action: core.echo, on_sucess: b}", [("/tasks/0", "additionalProperties")]),
    ("{name: a, action: core.echo, with_items: [1, 2]}", [("/tasks/0/with_items", "type")]),
    ("{name: a, action: core.echo, next: [{do: b}]}", [("/tasks/0/next/0/do", "type")]),
    ("{name: a, action: core.echo, next: {do: [b]}}", [("/tasks/0/next", "type")]),
    ("{name: a, action: core.echo, next: [{publish: {x: 1}}]}", [("/tasks/0/next/0/publish", "type")]),
    ("{name: a, action: core.echo, next: [{dо: [b]}]}", [("/tasks/0/next/0", "additionalProperties")]),
    ("{name: a, action: core.echo, retry: {count: 0, delay: 1}}", [("/tasks/0/retry/count", "minimum")]),
    ("{name: a, action: core.echo, retry: {count: 101, delay: 1}}", [("/tasks/0/retry/count", "maximum")]),
    ("{name: a, action: core.echo, retry: {count: 3}}", [("/tasks/0/retry", "required")]),
    ("{name: a, action: core.echo, retry: {count: 3, delay: -1}}", [("/tasks/0/retry/delay", "minimum")]),
    ("{name: a, action: core.echo, retry: {count: 3, delay: 1, backoff: random}}",
     [("/tasks/0/retry/backoff", "enum")]),
    ("{name: a, action: core.echo, with_items: '{{ x }}', batch_size: 0}", [("/tasks/0/batch_size", "minimum")]),
    ("{name: a, action: core.echo, with_items: '{{ x }}', batch_size: 1001}", [("/tasks/0/batch_size", "maximum")]),
    ("{name: a, action: core.echo, with_items: '{{ x }}', concurrency: 101}", [("/tasks/0/concurrency", "maximum")]),
    ("{name: a, action: core.echo, iterate_cache: {namespace: u, page_size: 0}}",
     [("/tasks/0/iterate_cache/page_size", "minimum")]),
    ("{name: a, action: core.echo, iterate_cache: {namespace: u, page_size: 1001}}",
     [("/tasks/0/iterate_cache/page_size", "maximum")]),
    ("{name: a, action: core.echo, iterate_cache: {owner_type: pack}}", [("/tasks/0/iterate_cache", "required")]),
    ("{name: a, action: core.echo, iterate_cache: {namespace: u, ttl: 5}}",
     [("/tasks/0/iterate_cache", "additionalProperties")]),
    ("{name: a, action: core.echo, wait_for: {inquiry: 0}}", [("/tasks/0/wait_for/inquiry", "minimum")]),
    ("{name: a, action: core.echo, wait_for: {inquiry: 'abc'}}", [("/tasks/0/wait_for/inquiry", "pattern")]),
    ("{name: a, action: core.echo, wait_for: {inquiry: '{{ }}'}}", [("/tasks/0/wait_for/inquiry", "pattern")]),
    ("{name: a, action: core.echo, wait_for: {inquiry: 1.5}}", [("/tasks/0/wait_for/inquiry", "type")]),
    ("{name: a, action: core.echo, wait_for: {}}", [("/tasks/0/wait_for", "minProperties")]),
    ("{name: a, action: core.echo, wait_for: {inquiry: 1, execution: 2}}", [("/tasks/0/wait_for", "maxProperties")]),
    ("{name: a, action: core.echo, wait_for: {inquiry: 1, timeout: 2}}",
     [("/tasks/0/wait_for", "additionalProperties"), ("/tasks/0/wait_for", "maxProperties")]),
    ("{name: a, action: core.echo, join: -1}", [("/tasks/0/join", "minimum")]),
    ("{name: a, action: core.echo, join: '2'}", [("/tasks/0/join", "type")]),
    ("{name: a, action: core.echo, timeout: -5}", [("/tasks/0/timeout", "minimum")]),
    ("{name: a, action: core.echo, timeout: [1]}", [("/tasks/0/timeout", "type")]),
    ("{name: a, action: core.echo, permission_set_refs: {a: b}}", [("/tasks/0/permission_set_refs", "type")]),
    ("{name: a, action: core.echo, permission_set_refs: [1]}", [("/tasks/0/permission_set_refs/0", "type")]),
    ("{name: a, action: core.echo, on_success: [b]}", [("/tasks/0/on_success", "type")]),
    ("{name: a, action: core.echo, decision: [{when: x}]}", [("/tasks/0/decision/0", "required")]),
    ("{name: a, action: core.echo, decision: [{next: b, default: b}]}", [("/tasks/0/decision/0/default", "type")]),
    ("{name: a, action: core.echo, worker_tolerations: [{key: k, operator: equals}]}",
     [("/tasks/0/worker_tolerations/0/operator", "enum")]),
    ("{name: 7, action: core.echo}", [("/tasks/0/name", "type")]),
])
def test_task_mistakes(task: str, expected: list[tuple[str, str]]) -> None:
    assert errors_of("workflow-graph", from_yaml(f"version: '1'\ntasks:\n  - {task}\n")) == expected


@pytest.mark.parametrize("task", [
    "{name: a, type: parallel, tasks: [{name: b, action: core.echo}]}",
    "{name: a, action: core.echo, timeout: '{{ parameters.t }}'}",
    "{name: a, action: core.echo, timeout: 30, join: 2}",
    "{name: a, action: core.echo, permission_set_refs: null}",
    "{name: a, action: core.echo, permission_set_refs: standard}",
    "{name: a, action: core.echo, wait_for: {execution: 12}}",
    "{name: a, action: core.echo, worker_selector: '{{ parameters.sel }}'}",
    "{name: a, action: core.echo, next: [{publish: [done, {n: 1}]}]}",
    "{name: a, action: core.echo, on_success: b, publish: [{x: '{{ result() }}'}]}",
    "{name: a, action: core.echo, delay: 5}",
])
def test_accepted_task_forms(task: str) -> None:
    assert errors_of("workflow-graph", from_yaml(f"version: '1'\ntasks:\n  - {task}\n")) == []


@pytest.mark.parametrize(("snippet", "expected"), [
    ("ref: acme.run\nentry_point: run.sh\nparameter_delivery: env\n", [("/parameter_delivery", "enum")]),
    ("ref: acme.run\nentry_point: run.sh\nparameter_format: toml\n", [("/parameter_format", "enum")]),
    ("ref: acme.run\nentry_point: run.sh\noutput_format: xml\n", [("/output_format", "enum")]),
    ("ref: acme.run\nentry_point: run.sh\nenabled: 'yes'\n", [("/enabled", "type")]),
    ("ref: Acme.Run\nentry_point: run.sh\n", [("/ref", "pattern")]),
    ("ref: acme.run.extra\nentry_point: run.sh\n", [("/ref", "pattern")]),
    ("entry_point: run.sh\n", [("", "required")]),
    ("ref: acme.run\nrunner_type: shell\n", [("", "required")]),
    ("ref: acme.run\nworkflow_file: workflows/run.workflow.yaml\nparameters: [a]\n", [("/parameters", "type")]),
    ("ref: acme.run\nworkflow_file: workflows/run.workflow.yaml\nparameters:\n  a: {type: string, required: 'yes'}\n",
     [("/parameters/a/required", "type")]),
    ("ref: acme.run\nentry_point: run.sh\ntimeout_seconds: 0\n", [("/timeout_seconds", "minimum")]),
    ("ref: acme.run\nentry_point: run.sh\nentrypoint: x\n", [("", "additionalProperties")]),
])
def test_action_mistakes(snippet: str, expected: list[tuple[str, str]]) -> None:
    assert errors_of("action", from_yaml(snippet)) == expected


@pytest.mark.parametrize(("snippet", "expected"), [
    ("ref: acme\nversion: 1.0.0\n", []),  # a plain scalar 1.0.0 is a string in YAML 1.2
    ("ref: acme\nversion: 1.0\n", [("/version", "type")]),
    ("ref: acme\nversion: '1.0'\n", [("/version", "pattern")]),
    ("ref: acme\nversion: '1.0.0-rc.1+build.5'\n", []),
    ("ref: a\nversion: '1.0.0'\n", [("/ref", "pattern")]),
    ("ref: my.pack\nversion: '1.0.0'\n", [("/ref", "pattern")]),
    ("ref: acme\n", [("", "required")]),
    ("ref: acme\nversion: '1.0.0'\ndependencies: {}\n", [("/dependencies", "type")]),
    ("ref: acme\nversion: '1.0.0'\nsystem: 'true'\n", [("/system", "type")]),
    ("ref: acme\nversion: '1.0.0'\ntesting: {min_pass_rate: 2}\n", [("/testing/min_pass_rate", "maximum")]),
    ("ref: acme\nversion: '1.0.0'\nis_standard: true\n", []),  # known, marked x-ignored
])
def test_pack_mistakes(snippet: str, expected: list[tuple[str, str]]) -> None:
    assert errors_of("pack", from_yaml(snippet)) == expected


# --------------------------------------------------------------------------- example packs

def example_files(pack: str) -> list[tuple[str, Path]]:
    root = EXAMPLES / pack
    found: list[tuple[str, Path]] = [("pack", root / "pack.yaml")]
    found += [("action", p) for p in sorted((root / "actions").glob("*.yaml"))]
    found += [("workflow-graph", p) for p in sorted((root / "actions" / "workflows").glob("*.yaml"))]
    found += [("workflow-standalone", p) for p in sorted((root / "workflows").glob("*.yaml"))]
    return found


VALID_EXAMPLES = example_files("acme") + example_files("legacy_ops")


def test_valid_examples_cover_both_layouts() -> None:
    kinds = [kind for kind, _ in VALID_EXAMPLES]
    assert kinds.count("workflow-graph") >= 2 and kinds.count("workflow-standalone") >= 2
    assert kinds.count("action") >= 4


@pytest.mark.parametrize(("kind", "path"), VALID_EXAMPLES, ids=[str(p.relative_to(EXAMPLES)) for _, p in VALID_EXAMPLES])
def test_valid_examples_have_no_schema_errors(kind: str, path: Path) -> None:
    document = read_yaml_file(path)
    assert document.findings == []
    assert errors_of_file(kind, path) == []


def test_acme_actions_name_existing_files() -> None:
    actions = EXAMPLES / "acme" / "actions"
    for path in sorted(actions.glob("*.yaml")):
        data = to_python(read_yaml_file(path).root)
        target = data.get("workflow_file") or data["entry_point"]
        assert (actions / target).is_file(), (path.name, target)
        assert data["ref"] == f"acme.{path.stem}"


def test_legacy_ops_refs_follow_file_names() -> None:
    for path in sorted((EXAMPLES / "legacy_ops" / "workflows").glob("*.yaml")):
        data = to_python(read_yaml_file(path).root)
        assert data["ref"] == f"legacy_ops.{path.stem}"
        assert isinstance(data["vars"], dict)
        assert read_yaml_file(path).mapping.get("version").style in ("'", '"')  # type: ignore[union-attr]


MISTAKE = re.compile(r"#\s*mistake:")


def _node_line(root: Any, pointer: tuple[Any, ...]) -> int:
    """Line of the node at ``pointer``: the key's line for a mapping member."""
    node = root
    line = root.start.line
    for part in pointer:
        if isinstance(node, MappingNode):
            key = node.key_node(str(part))
            assert key is not None
            line, node = key.start.line, node.get(str(part))
        else:
            assert isinstance(node, SequenceNode)
            node = node.items[int(part)]
            line = node.start.line
    return line


def test_broken_pack_schema_errors_land_on_marked_lines() -> None:
    root = EXAMPLES / "broken"
    assert to_python(read_yaml_file(root / "pack.yaml").root)["ref"] == "broken"
    unmarked: list[str] = []
    marked_hits = 0
    for kind, path in example_files("broken"):
        document = read_yaml_file(path)
        if document.root is None:
            continue  # the syntax-error file: the loader reports it
        lines = document.source.lines  # type: ignore[union-attr]
        for error in validator(kind).iter_errors(to_python(document.root)):
            pointer = tuple(error.absolute_path)
            if error.validator == "required":
                line = document.root.start.line if not pointer else _node_line(document.root, pointer)
            else:
                line = _node_line(document.root, pointer)
            if error.validator == "additionalProperties":
                extra = set(error.instance) - set(error.schema.get("properties", {}))
                node = document.root
                for part in pointer:
                    node = node.get(str(part)) if isinstance(node, MappingNode) else node.items[int(part)]
                line = min(node.key_node(k).start.line for k in extra)
            if MISTAKE.search(lines[line - 1]):
                marked_hits += 1
            else:
                unmarked.append(f"{path.relative_to(root)}:{line}: {error.message}")
    assert unmarked == []
    assert marked_hits >= 6  # vars list, do scalar, version 1.10, retry 0, typo, missing version


def test_broken_pack_marks_every_mistake_kind() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((EXAMPLES / "broken").rglob("*.yaml")))
    comments = [line.split("# mistake:", 1)[1].strip() for line in text.splitlines() if "# mistake:" in line]
    for needle in ("syntax", "duplicate key", "unknown key", "vars", "do", "missing required key",
                   "retry.count", "does not exist", "version: 1.10", "filter", "unknown function",
                   "undeclared parameter", "unreachable", "workflow_file"):
        assert any(needle in comment for comment in comments), needle
