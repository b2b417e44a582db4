"""Executable rule documentation: every rule's FAIL example fails and its PASS example passes.

Each rule's ``doc`` ends with a ``FAIL:`` and a ``PASS:`` example (indented YAML, as
``attune-lint explain`` and docs/rules.md show them). This test lints both, each in a pack
``acme`` of its own: the FAIL example must produce the rule's code, the PASS example must
not. An example is either

* whole files, each introduced by a comment line ``# file: PATH`` (relative to the pack
  folder, whose ``pack.yaml`` is supplied unless the example writes one, or to the folder
  of the packs when PATH starts with ``packs/``; an ``(encoding: latin-1)`` after the path
  saves the file in that encoding; a ``.attune-lint.yaml`` holds the settings of the run),
  written exactly as shown; or
* a fragment, placed by its content in the smallest file that makes it whole: the keys of
  an action file go to ``actions/<name>.yaml``, a pack manifest (a ``ref`` without a dot) to
  ``pack.yaml``, anything else to the workflow ``workflows/w.yaml`` with the missing
  ``ref``/``label``/``version``/``tasks`` supplied: a list is the ``tasks`` list, task keys
  are the keys of one task ``a`` (``action: core.echo`` supplied), other keys its ``input``.
"""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from rule_case import PACK, lint_case

from attune_lint.rule import Rule
from attune_lint.rules.catalog import all_rules
from attune_lint.settings.file import YAML_NAMES, load_settings

# The only rule whose examples cannot be linted, and why.
NOT_LINTABLE = {
    "AL901": "emitted by the registrar when a PostgreSQL database refuses the rows (attune-lint register), not by a lint run",
    "AL990": "emitted only when a check of the linter itself fails; no file makes it on purpose "
             "(tests/test_checker.py makes a check fail to test it)",
}

FILE_LINE = re.compile(r"^# file: (?P<path>\S+)(?: \(encoding: (?P<encoding>[\w-]+)\))?[ \t]*$")
TOP_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)(?P<value>.*)$")
BOM = "\ufeff"

ACTION_KEYS = {"workflow_file", "runner_type", "entry_point", "runtime_version", "parameter_delivery",
               "parameter_format", "output_format"}
PACK_KEYS = {"author", "email", "conf_schema", "config_schema", "config", "dependencies", "runtime_deps"}
WORKFLOW_KEYS = {"ref", "label", "description", "version", "parameters", "output", "vars", "tasks", "output_map",
                 "tags", "cancellation_policy", "output_schema", "metadata"}
TASK_KEYS = {"type", "action", "input", "when", "with_items", "iterate_cache", "batch_size", "concurrency", "retry",
             "timeout", "join", "next", "permission_set_refs", "permission_set_ref", "worker_selector",
             "worker_tolerations", "worker_affinity", "trace_tag_template", "wait_for", "__chart_meta__",
             "on_success", "on_failure", "on_complete", "on_timeout", "decision", "publish", "delay"}


def examples(rule: Rule) -> dict[str, list[str]]:
    """``{"FAIL": [example, ...], "PASS": [...]}``: the indented blocks after each heading."""
    found: dict[str, list[str]] = {}
    blocks: list[str] | None = None
    for line in rule.documentation.splitlines():
        if line in ("FAIL:", "PASS:"):
            blocks = found.setdefault(line[:-1], [])
            blocks.append("")
        elif blocks is not None and (line.startswith("    ") or not line.strip()):
            blocks[-1] += line[4:] + "\n"
        else:
            blocks = None
    return {kind: [textwrap.dedent(b).strip("\n") + "\n" for b in blocks] for kind, blocks in found.items()}


def example_files(example: str) -> dict[str, str | bytes]:
    """The files an example stands for (see the module doc)."""
    files: dict[str, str | bytes] = {}
    path: str | None = None
    encoding: str | None = None
    lines: list[str] = []

    def flush() -> None:
        text = "".join(lines)
        if path is None:
            if text.strip():
                where, whole = envelope(text)
                files[where] = whole
        else:
            files[path] = text.encode(encoding) if encoding else text

    for line in example.splitlines(keepends=True):
        match = FILE_LINE.match(line)
        if match:
            flush()
            path, encoding, lines = match["path"], match["encoding"], []
        else:
            lines.append(line)
    flush()
    return files


def top_keys(text: str) -> dict[str, str]:
    keys: dict[str, str] = {}
    for line in text.splitlines():
        match = TOP_KEY.match(line.lstrip(BOM))
        if match:
            keys.setdefault(match["key"], match["value"].strip())
    return keys


def envelope(fragment: str) -> tuple[str, str]:
    """(path, whole file) for a fragment. A byte-order mark it starts with stays first."""
    bom = BOM if fragment.startswith(BOM) else ""
    fragment = fragment[len(bom):]
    keys = top_keys(fragment)
    first = next((line for line in fragment.splitlines() if line.strip() and not line.lstrip().startswith("#")), "")
    if keys.keys() & ACTION_KEYS:
        name = keys.get("ref", f"{PACK}.x").split(".")[-1]
        supplied = _missing(keys, ref=f"{PACK}.{name}", label=name.title())
        return f"actions/{name}.yaml", bom + supplied + fragment
    if keys.keys() & PACK_KEYS or ("ref" in keys and "." not in keys["ref"]):
        return "pack.yaml", bom + _missing(keys, ref=PACK, label="Acme", version='"1.0.0"') + fragment
    if first.startswith("- "):
        body = "tasks:\n" + textwrap.indent(fragment, "  ")
    elif "tasks" in keys or keys.keys() <= WORKFLOW_KEYS:
        body = fragment
    elif keys.keys() <= TASK_KEYS:
        body = "tasks:\n  - name: a\n" + ("" if keys.keys() & {"action", "type"} else "    action: core.echo\n") \
            + textwrap.indent(fragment, "    ")
    else:
        body = "tasks:\n  - name: a\n    action: core.echo\n    input:\n" + textwrap.indent(fragment, "      ")
    keys = top_keys(body)
    supplied = _missing(keys, ref=f"{PACK}.w", label="W", version='"1.0.0"',
                        tasks="\n  - name: a\n    action: core.echo")
    return "workflows/w.yaml", bom + supplied + body


def _missing(keys: dict[str, str], **wanted: str) -> str:
    return "".join(f"{key}: {value}\n".replace(": \n", ":\n") for key, value in wanted.items() if key not in keys)


def settings_of(tmp_path: Path, files: dict[str, str | bytes]):  # type: ignore[no-untyped-def]
    """The settings a ``.attune-lint.yaml`` of the example sets (defaults without one)."""
    for name in YAML_NAMES:
        if name in files:
            config = tmp_path / name
            text = files.pop(name)
            config.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
            return load_settings(config_file=config)
    return None


CASES = [(code, kind) for code in all_rules() for kind in ("FAIL", "PASS")]


@pytest.mark.parametrize("code, kind", CASES, ids=[f"{code}-{kind}" for code, kind in CASES])
def test_rule_example(tmp_path: Path, code: str, kind: str) -> None:
    if code in NOT_LINTABLE:
        pytest.skip(NOT_LINTABLE[code])
    (example,) = examples(all_rules()[code])[kind]
    files = example_files(example)
    settings = settings_of(tmp_path, files)
    result = lint_case(tmp_path, files, settings=settings)
    codes = [d.code for d in result.diagnostics]
    # An example the YAML reader cannot read would pass vacuously: it must be valid YAML
    # (the reader's rules excepted, for their own examples).
    assert not [c for c in codes if c.startswith("AL1") and c != code], f"{code} {kind}: {codes}; files: {files}"
    if kind == "FAIL":
        assert code in codes, f"the FAIL example of {code} gives {codes}; files: {files}"
    else:
        assert code not in codes, f"the PASS example of {code} gives {codes}; files: {files}"


def test_every_rule_has_one_fail_and_one_pass_example() -> None:
    for code, rule in all_rules().items():
        found = examples(rule)
        assert sorted(found) == ["FAIL", "PASS"], f"{code} has examples {sorted(found)}"
        assert [len(found["FAIL"]), len(found["PASS"])] == [1, 1], f"{code} has several FAIL or PASS examples"
        assert all(e.strip() for blocks in found.values() for e in blocks), f"{code} has an empty example"


def test_only_the_registrar_rule_is_not_linted() -> None:
    assert set(NOT_LINTABLE) == {"AL901", "AL990"}


@pytest.mark.parametrize("prefix, emitter", [
    ("AL1", "attune_lint/document/reader.py"),
    ("AL95", "attune_lint/check/checker.py"),
    ("AL90", "attune_lint/registrar/"),
])
def test_rules_emitted_outside_the_rule_families_say_where(prefix: str, emitter: str) -> None:
    rules = [r for code, r in all_rules().items() if code.startswith(prefix)]
    assert rules
    for rule in rules:
        assert emitter in " ".join(rule.documentation.split()), f"{rule.code}'s doc does not name {emitter}"


def test_the_envelope() -> None:
    """How fragments are placed (the examples rely on it)."""
    assert envelope("- name: a\n  action: core.echo\n") == (
        "workflows/w.yaml", 'ref: acme.w\nlabel: W\nversion: "1.0.0"\ntasks:\n  - name: a\n    action: core.echo\n')
    assert envelope("next:\n  - do: [b]\n")[1].endswith("tasks:\n  - name: a\n    action: core.echo\n    next:\n      - do: [b]\n")
    assert envelope('message: "hi"\n')[1].endswith("    input:\n      message: \"hi\"\n")
    assert envelope("vars: {a: 1}\n") == (
        "workflows/w.yaml", 'ref: acme.w\nlabel: W\nversion: "1.0.0"\ntasks:\n  - name: a\n    action: core.echo\nvars: {a: 1}\n')
    assert envelope("ref: acme.deploy\nworkflow_file: workflows/d.yaml\n") == (
        "actions/deploy.yaml", "label: Deploy\nref: acme.deploy\nworkflow_file: workflows/d.yaml\n")
    assert envelope(BOM + 'version: "1.0.0"\n')[1].startswith(BOM + "ref: acme.w\n")
    assert example_files("# file: workflows/x.yaml (encoding: latin-1)\nlabel: é\n# file: pack.yaml\nref: acme\n") == {
        "workflows/x.yaml": "label: é\n".encode("latin-1"), "pack.yaml": "ref: acme\n"}
