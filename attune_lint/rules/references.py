"""References across files: refs, ``workflow_file`` confinement, actions that exist.

Mirrors the newest pack component loader (§1.3, §4.3): refs are two lowercase segments
prefixed by the pack ref; ``workflow_file`` stays under ``actions/workflows/``; every task
action exists (in the pack, in the shipped core catalog, or in a configured catalog).
"""
from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator

from attune_lint.check.context import CheckContext
from attune_lint.diagnostics import Diagnostic, Severity, Span
from attune_lint.workspace.discovery import classify_content, workflow_name
from attune_lint.workspace.workspace import Workspace, link_on_the_way
from attune_lint.workspace.pack import ActionFile, Pack
from attune_lint.settings.record import Settings
from attune_lint.document.tree import ScalarNode
from attune_lint.rule import Rule
from attune_lint.files import not_a_file
from attune_lint.spelling import IDENTIFIER_CUTOFF, closest

REF_FORMAT = Rule(
    "AL501", "ref-format", Severity.ERROR,
    "A workflow or action ref is not two lowercase segments prefixed by the pack ref.",
    """
    The pack loader refuses refs that are not ``<pack>.<name>``, with each segment starting
    with a lowercase letter followed by lowercase letters, digits, ``-`` or ``_``, and the
    first segment equal to the installing pack's ref.

    FAIL:
        # in pack acme
        ref: Acme.Deploy
    PASS:
        ref: acme.deploy
    """,
)
STANDALONE_REF_MISMATCH = Rule(
    "AL502", "standalone-ref-mismatch", Severity.WARNING,
    "A standalone workflow's ref differs from ``<pack folder>.<file name>``.",
    """
    The workflow service looks the row up by the file-derived name but creates it with the
    YAML ref: the next sync does not find it, inserts again and hits the UNIQUE constraint.

    FAIL:
        # file: workflows/deploy.yaml
        ref: acme.deploy_app
        label: Deploy
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
    PASS:
        # file: workflows/deploy.yaml
        ref: acme.deploy
        label: Deploy
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
    """,
)
WORKFLOW_FILE_PATH = Rule(
    "AL503", "workflow-file-path", Severity.ERROR,
    "``workflow_file`` is not a relative path under ``actions/workflows/``.",
    """
    The pack loader refuses the whole pack: "Workflow file '…' must be relative to actions/
    and located under actions/workflows/". Absolute paths, ``..`` and symlinks that leave
    the folder are all refused.

    FAIL:
        workflow_file: ../workflows/deploy.yaml
    PASS:
        workflow_file: workflows/deploy.workflow.yaml
    """,
)
WORKFLOW_FILE_MISSING = Rule(
    "AL504", "workflow-file-missing", Severity.ERROR,
    "``workflow_file`` names a file that does not exist.",
    """
    FAIL:
        # file: actions/deploy.yaml
        ref: acme.deploy
        label: Deploy
        workflow_file: workflows/deploi.workflow.yaml
        # file: actions/workflows/deploy.workflow.yaml
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
    PASS:
        # file: actions/deploy.yaml
        ref: acme.deploy
        label: Deploy
        workflow_file: workflows/deploy.workflow.yaml
        # file: actions/workflows/deploy.workflow.yaml
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
    """,
)
GRAPH_REPEATS_ACTION = Rule(
    "AL505", "graph-repeats-action-keys", Severity.WARNING,
    "A graph file linked from an action repeats action-level keys.",
    """
    For an action-linked workflow the action YAML owns ``ref``, ``label``, ``description``,
    ``parameters``, ``output`` and ``tags``; the graph file should hold only ``version``,
    ``vars``, ``tasks``, ``output_map`` and ``cancellation_policy``. A graph ``ref``
    overrides the action's; graph ``parameters`` are ignored when the action has its own.

    FAIL:
        # file: actions/deploy.yaml
        ref: acme.deploy
        label: Deploy
        workflow_file: workflows/deploy.workflow.yaml
        # file: actions/workflows/deploy.workflow.yaml
        ref: acme.deploy
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
    PASS:
        # file: actions/deploy.yaml
        ref: acme.deploy
        label: Deploy
        workflow_file: workflows/deploy.workflow.yaml
        # file: actions/workflows/deploy.workflow.yaml
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
    """,
)
UNKNOWN_ACTION = Rule(
    "AL506", "unknown-action", Severity.ERROR,
    "A task calls an action that does not exist.",
    """
    The pack loader checks every task action: "Workflow 'W' references unknown action 'A'"
    (the workflow is then not linked). Actions of the linted pack must be in its
    ``actions/``; ``core.*`` actions are checked against the core pack's catalog shipped with
    attune-lint; actions of packs outside the run are accepted unless
    ``strict-external-actions`` is set (``external-actions`` lists known ones).

    FAIL:
        - name: a
          action: core.ecko
    PASS:
        - name: a
          action: core.echo
    """,
)
MALFORMED_ACTION_REF = Rule(
    "AL510", "malformed-action-ref", Severity.ERROR,
    "A top-level task's action is not a '<pack>.<action>' ref (no pack part, or an empty part).",
    """
    Attune's workflow validator splits the ref on '.' and needs at least two parts, none of
    them empty: "Task 'a' has invalid action reference: invalid_format". It checks top-level
    tasks; a malformed ref in a sub-task of a parallel task is found by the action lookup
    instead (AL506). Reported in any check, inside a pack or not, since no catalog is
    needed. (The validator does not check case: ``Core.Echo`` has the right shape and is left
    to AL506.)

    FAIL:
        - name: a
          action: invalid_format
    PASS:
        - name: a
          action: core.echo
    """,
)
WORKFLOW_ACTION_RUNNER_KEYS = Rule(
    "AL507", "workflow-action-runner-keys", Severity.WARNING,
    "A workflow action sets runner keys (runner_type, entry_point, ...) that do not apply.",
    """
    Workflow actions run in the executor, not a runner: ``runner_type``, ``entry_point``,
    ``parameter_delivery``, ``parameter_format`` and ``output_format`` are ignored.

    FAIL:
        ref: acme.deploy
        workflow_file: workflows/deploy.workflow.yaml
        runner_type: python
    PASS:
        ref: acme.deploy
        workflow_file: workflows/deploy.workflow.yaml
    """,
)
DUPLICATE_REF = Rule(
    "AL508", "duplicate-ref", Severity.ERROR,
    "Two files of a pack declare the same action or workflow ref.",
    """
    Refs are UNIQUE in the database: the second registration fails or overwrites the first.

    FAIL:
        # file: actions/a.yaml
        ref: acme.deploy
        label: Deploy A
        runner_type: shell
        entry_point: a.sh
        # file: actions/b.yaml
        ref: acme.deploy
        label: Deploy B
        runner_type: shell
        entry_point: b.sh
    PASS:
        # file: actions/a.yaml
        ref: acme.deploy_a
        label: Deploy A
        runner_type: shell
        entry_point: a.sh
        # file: actions/b.yaml
        ref: acme.deploy_b
        label: Deploy B
        runner_type: shell
        entry_point: b.sh
    """,
)
PACK_DIR_MISMATCH = Rule(
    "AL509", "pack-folder-mismatch", Severity.WARNING,
    "pack.yaml's ref differs from the pack's folder name.",
    """
    The workflow service finds a pack by its folder name (``packs_base_dir/<ref>``), so the
    folder must be named like the pack ref.

    FAIL:
        # file: packs/acme-tools/pack.yaml
        ref: acme
        label: Acme
        version: "1.0.0"
    PASS:
        # file: packs/acme/pack.yaml
        ref: acme
        label: Acme
        version: "1.0.0"
    """,
)

RULES = (REF_FORMAT, STANDALONE_REF_MISMATCH, WORKFLOW_FILE_PATH, WORKFLOW_FILE_MISSING, GRAPH_REPEATS_ACTION,
         UNKNOWN_ACTION, WORKFLOW_ACTION_RUNNER_KEYS, DUPLICATE_REF, PACK_DIR_MISMATCH, MALFORMED_ACTION_REF)

SEGMENT = re.compile(r"^[a-z][a-z0-9_-]*$")
RUNNER_KEYS = ("runner_type", "entry_point", "parameter_delivery", "parameter_format", "output_format")
ACTION_LEVEL_KEYS = ("ref", "label", "description", "parameters", "output", "tags")


@lru_cache(maxsize=1)
def core_catalog() -> frozenset[str]:
    """Refs of the core pack's actions (shipped with attune-lint)."""
    text = resources.files("attune_lint.catalogs").joinpath("core.json").read_text(encoding="utf-8")
    return frozenset(json.loads(text)["actions"])


def ref_problem(ref: str, pack_ref: str | None) -> str | None:
    """Why ``ref`` is not a valid component ref of ``pack_ref`` (None when it is)."""
    segments = ref.split(".")
    if len(segments) != 2:
        return f"has {len(segments)} segment{'s' if len(segments) != 1 else ''}; a ref is '<pack>.<name>'"
    for segment in segments:
        if not SEGMENT.match(segment):
            return (f"segment {segment!r} must start with a lowercase letter and hold only lowercase "
                    "letters, digits, '-' and '_'")
    if pack_ref is not None and segments[0] != pack_ref:
        return f"must start with the pack ref '{pack_ref}.'"
    return None


def _suggest_ref(ref: str, pack_ref: str | None) -> str:
    name = ref.split(".")[-1].lower().replace(" ", "_")
    return f"e.g. '{pack_ref or 'pack'}.{name}'"


def check(ctx: CheckContext) -> Iterable[Diagnostic]:
    if ctx.root is None:
        return []
    if ctx.pack is None:
        return list(_action_ref_format(ctx)) if _workflow_by_place_or_content(ctx) else []
    if ctx.kind == "action":
        return list(_action_checks(ctx))
    if ctx.kind == "pack":
        return list(_pack_checks(ctx))
    if ctx.is_workflow:
        return [*_action_ref_format(ctx), *_workflow_checks(ctx)]
    return []


def _workflow_by_place_or_content(ctx: CheckContext) -> bool:
    """A workflow file, by where it stands or, for a loose file, by its top-level keys."""
    if ctx.kind != "unknown":
        return ctx.is_workflow
    assert ctx.root is not None
    return classify_content(set(ctx.root.keys()), ctx.file_path.name) in ("graph", "standalone")


def is_valid_action_ref(ref: str) -> bool:
    """The validator's test (``is_valid_action_ref``): two or more '.'-parts, none empty."""
    parts = ref.split(".")
    return len(parts) >= 2 and all(parts)


def _action_ref_format(ctx: CheckContext) -> Iterator[Diagnostic]:
    """AL510 on top-level tasks, as the validator checks them (no catalog needed)."""
    for task in ctx.view.tasks:
        node = task.get("action")
        if not isinstance(node, ScalarNode) or not isinstance(node.value, str):
            continue
        ref = node.value
        if not ref or "{{" in ref or is_valid_action_ref(ref):
            continue
        problem = ("has no pack part" if "." not in ref else "has an empty part")
        yield MALFORMED_ACTION_REF.at(
            ctx.path, node.span,
            f"task {task.label} has an invalid action reference {ref!r}: it {problem}; "
            "the platform's validator refuses it",
            "write the action as '<pack>.<action>', e.g. 'core.echo'")


def _pack_checks(ctx: CheckContext) -> Iterator[Diagnostic]:
    ref_node = ctx.root.get("ref") if ctx.root is not None else None
    pack = ctx.pack
    if isinstance(ref_node, ScalarNode) and isinstance(ref_node.value, str) and pack is not None:
        if ref_node.value != pack.root.resolve().name:
            yield PACK_DIR_MISMATCH.at(ctx.path, ref_node.span,
                                       f"pack ref {ref_node.value!r} differs from its folder name {pack.root.resolve().name!r}",
                                       f"rename the folder to '{ref_node.value}'")


def _ref_node(ctx: CheckContext) -> ScalarNode | None:
    node = ctx.root.get("ref") if ctx.root is not None else None
    return node if isinstance(node, ScalarNode) and isinstance(node.value, str) and node.value else None


def _action_checks(ctx: CheckContext) -> Iterator[Diagnostic]:
    pack = ctx.pack
    assert pack is not None and ctx.root is not None
    ref = _ref_node(ctx)
    if ref is not None:
        problem = ref_problem(ref.value, pack.ref)
        if problem:
            yield REF_FORMAT.at(ctx.path, ref.span, f"action ref {ref.value!r} {problem}", _suggest_ref(ref.value, pack.ref))
    workflow_file = ctx.root.get("workflow_file")
    if not isinstance(workflow_file, ScalarNode) or not isinstance(workflow_file.value, str):
        return
    yield from _workflow_file_checks(ctx, pack, workflow_file)
    for key in RUNNER_KEYS:
        key_node = ctx.root.key_node(key)
        if key_node is not None:
            yield WORKFLOW_ACTION_RUNNER_KEYS.at(ctx.path, key_node.span,
                                                 f"{key!r} does not apply to a workflow action; the platform ignores it",
                                                 f"remove '{key}'")


def _workflow_file_checks(ctx: CheckContext, pack: Pack, node: ScalarNode) -> Iterator[Diagnostic]:
    relative = node.value
    path = Path(relative)
    parts = path.parts
    actions_dir = pack.root / "actions"
    problem = None
    if path.is_absolute() or relative.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", relative):
        problem = "is absolute"
    elif ".." in parts:
        problem = "uses '..'"
    elif not parts or parts[0] != "workflows":
        problem = "is not under workflows/"
    else:
        candidate = actions_dir / relative
        workflows_dir = actions_dir / "workflows"
        try:
            # Only a symbolic link below actions/ can lead out of it: resolve only then.
            below = link_on_the_way(os.path.normpath(candidate), os.path.normpath(actions_dir))
            if (os.path.lexists(candidate) or workflows_dir.is_symlink()) and below:
                candidate.resolve().relative_to(workflows_dir.resolve())
                workflows_dir.resolve().relative_to(actions_dir.resolve())
        except ValueError:
            problem = "leaves actions/workflows/ through a symbolic link"
        except OSError:
            pass  # a name too long or a loop of links: not_a_file says which, below
        why = not_a_file(candidate) if problem is None else None
        if why is not None:
            existing = [p.name for p in workflows_dir.glob("*.y*ml")] if workflows_dir.is_dir() else []
            match = closest(path.name, existing) if len(path.name) <= 255 else None
            shown = relative if len(relative) <= 200 else relative[:120] + f"…({len(relative)} characters)"
            yield WORKFLOW_FILE_MISSING.at(ctx.path, node.span,
                                           f"workflow_file {shown!r} {why} (looked for actions/{shown})",
                                           f"did you mean 'workflows/{match}'?" if match else None)
            return
    if problem:
        yield WORKFLOW_FILE_PATH.at(ctx.path, node.span,
                                    f"workflow_file {relative!r} {problem}; it must be relative to actions/ and "
                                    "located under actions/workflows/",
                                    f"move the file to actions/workflows/ and write 'workflows/{path.name}'")


def _workflow_checks(ctx: CheckContext) -> Iterator[Diagnostic]:
    pack = ctx.pack
    assert pack is not None and ctx.root is not None
    ref = _ref_node(ctx)
    action = ctx.linking_action
    if ref is not None:
        problem = ref_problem(ref.value, pack.ref)
        if problem:
            yield REF_FORMAT.at(ctx.path, ref.span, f"workflow ref {ref.value!r} {problem}", _suggest_ref(ref.value, pack.ref))
        elif ctx.kind == "standalone":
            derived = f"{pack.dir_name}.{workflow_name(ctx.file_path.name)}"
            if ref.value != derived:
                yield STANDALONE_REF_MISMATCH.at(
                    ctx.path, ref.span,
                    f"ref {ref.value!r} differs from the file-derived {derived!r}: the workflow service looks the row "
                    "up by the file name, so the next sync tries to create it again and fails",
                    f"rename the file to '{ref.value.split('.')[-1]}.yaml' or set ref: {derived}")
    if action is not None:
        for key in ACTION_LEVEL_KEYS:
            key_node = ctx.root.key_node(key)
            if key_node is not None:
                yield GRAPH_REPEATS_ACTION.at(
                    ctx.path, key_node.span,
                    f"{key!r} belongs in the action file {_rel(action.path, pack)}, which links this graph",
                    f"remove '{key}' here (the action's value is used)" if key not in ("ref",)
                    else "remove 'ref' here: a graph ref overrides the action's ref")
    yield from _action_refs(ctx, pack)


def _rel(path: Path, pack: Pack) -> str:
    try:
        return str(path.relative_to(pack.root))
    except ValueError:
        return str(path)


def _action_refs(ctx: CheckContext, pack: Pack) -> Iterator[Diagnostic]:
    assert ctx.root is not None
    known_here = pack.action_refs()
    other_packs = ctx.workspace.packs_by_ref()
    external = set(ctx.settings.external_actions)
    for task in ctx.view.all_tasks():
        node = task.get("action")
        if not isinstance(node, ScalarNode) or not isinstance(node.value, str):
            continue
        ref = node.value.strip()
        if not ref or "{{" in ref or ref in external:
            continue
        segments = ref.split(".")
        if len(segments) < 2 or not all(segments):
            if task.parent is None and not is_valid_action_ref(node.value):
                continue  # AL510
            yield UNKNOWN_ACTION.at(ctx.path, node.span, f"action {ref!r} is not a '<pack>.<action>' ref",
                                    "write the action as '<pack>.<action>'")
            continue
        owner = segments[0]
        candidates: frozenset[str]
        if owner == pack.ref:
            candidates = known_here
        elif owner in other_packs:
            candidates = other_packs[owner].action_refs()
        elif owner == "core":
            candidates = frozenset()
        else:
            if ctx.settings.strict_external_actions:
                yield UNKNOWN_ACTION.at(ctx.path, node.span,
                                        f"action {ref!r} belongs to pack {owner!r}, which is not part of this run "
                                        "and not listed in external-actions",
                                        "add it to external-actions, or lint that pack too")
            continue
        if owner == "core":  # the core pack on disk may hold only some of its files
            candidates = candidates | core_catalog()
        if ref in candidates:
            continue
        match = _closest_ref(ref, candidates)
        where = {pack.ref: f"pack {pack.ref!r} has no such action in actions/",
                 "core": "the core pack has no such action"}.get(owner, f"pack {owner!r} has no such action")
        yield UNKNOWN_ACTION.at(ctx.path, node.span, f"unknown action {ref!r}: {where}",
                                f"did you mean {match[0]!r}?" if match else None)


def _closest_ref(ref: str, candidates: frozenset[str]) -> list[str]:
    """The closest known ref, compared on the part after the pack (all candidates share the
    pack, which would make any two refs look alike)."""
    name = ref.partition(".")[2]
    names = {c.partition(".")[2]: c for c in candidates}
    match = closest(name, names, IDENTIFIER_CUTOFF)
    return [names[match]] if match else []


def check_workspace(workspace: Workspace, settings: Settings) -> Iterable[Diagnostic]:
    """Refs declared twice within one pack (actions, and workflows by effective ref)."""
    checked = {target.display for target in workspace.targets}
    found: list[Diagnostic] = []
    for pack in workspace.packs:
        if not pack.holds_trees:  # another pack's interface: none of its files is checked here
            continue
        seen: dict[str, tuple[str, Span]] = {}
        for action in pack.actions:
            found.extend(d for d in _duplicate(seen, action) if d.path in checked)
    return found


def _duplicate(seen: dict[str, tuple[str, Span]], action: ActionFile) -> Iterator[Diagnostic]:
    root = action.document.mapping
    node = root.get("ref") if root is not None else None
    if not isinstance(node, ScalarNode) or not isinstance(node.value, str):
        return
    earlier = seen.get(node.value)
    if earlier is None:
        seen[node.value] = (action.document.path, node.span)
        return
    yield DUPLICATE_REF.at(action.document.path, node.span,
                           f"action ref {node.value!r} is already declared in {earlier[0]}:{earlier[1].line}",
                           "give each action its own ref", related=((earlier[0], earlier[1], "first declared here"),))
