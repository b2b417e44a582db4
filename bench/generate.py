"""Generate a realistic, seedable corpus of Attune packs for the benchmark.

Style follows ``examples/packs/acme`` (action-linked layout: ``actions/<name>.yaml`` with
``workflow_file`` plus its graph under ``actions/workflows/``) and ``examples/packs/legacy_ops``
(standalone layout: one file under ``workflows/``). About one workflow in ten carries one
realistic mistake (typo'd key, unquoted ``version: 1.10``, transition to a missing task,
Jinja filter, duplicate key, out-of-range retry, syntax error, ...), so every rule family
has work to do. Some tasks call actions of the neighbouring pack (cross-pack references).

    python bench/generate.py OUT [--packs 40] [--workflows 100] [--seed 1] [--mistakes 0.1]

The same seed gives byte-identical files.
"""
from __future__ import annotations

import argparse
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

RUNNERS = ("check_host", "deploy_service", "publish_report", "collect_metrics")
MISTAKES = (
    "unquoted_version", "unknown_key", "missing_target", "jinja_filter", "duplicate_key",
    "retry_range", "syntax_error", "do_string", "unknown_action", "unreachable", "vars_list",
)


@dataclass
class Stats:
    packs: int = 0
    workflows: int = 0
    files: int = 0
    lines: int = 0
    mistakes: dict[str, int] = field(default_factory=dict)


def _pack_yaml(ref: str, layout: str, rng: random.Random) -> str:
    return f"""# Generated pack {ref} ({layout} layout).
ref: {ref}
label: "{ref.replace('_', ' ').title()}"
description: "Generated operations pack number {ref.rsplit('_', 1)[-1]}"
version: "{rng.randint(0, 3)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}"
author: "Bench Team"
email: "bench@example.com"

tags:
  - operations
  - generated

runtime_deps:
  - shell

dependencies:
  - core

enabled: true
"""


def _runner_action(pack: str, name: str) -> str:
    return f"""# Runner action of {pack}.
ref: {pack}.{name}
label: "{name.replace('_', ' ').title()}"
description: "Runner action {name}"
enabled: true

runner_type: shell
entry_point: {name}.sh

parameters:
  host:
    type: string
    description: "Host to act on"
    required: true
  message:
    type: string
    description: "Free text passed to the script"
    default: ""

output:
  healthy:
    type: boolean
    description: "True when the step succeeded"

tags:
  - generated
"""


PARAMETERS = """parameters:
  service:
    type: string
    description: "Service to work on"
    required: true
  hosts:
    type: array
    description: "Hosts to act on"
    items:
      type: string
    default: []
  channel:
    type: string
    description: "Channel for notifications"
    default: "#ops"
"""

OUTPUT = """output:
  status:
    type: string
    description: "Final status"
"""


def _task(rng: random.Random, name: str, action: str, following: str | None, index: int) -> list[str]:
    lines = [f"  - name: {name}", f"    action: {action}"]
    iterate = rng.random() < 0.25
    if iterate:
        lines += ['    with_items: "{{ parameters.hosts }}"', f"    concurrency: {rng.randint(1, 8)}"]
    if rng.random() < 0.3:
        lines += ["    retry:", f"      count: {rng.randint(1, 5)}", f"      delay: {rng.randint(1, 30)}",
                  f"      backoff: {rng.choice(['linear', 'exponential', 'constant'])}"]
    if rng.random() < 0.2:
        lines.append(f"    timeout: {rng.choice([30, 60, 120, 300])}")
    lines.append("    input:")
    if action.startswith("core."):
        lines.append(f'      message: "Step {index} of {{{{ parameters.service }}}} ({{{{ workflow.status }}}})"')
    else:
        host = "{{ item }}" if iterate else "{{ parameters.service }}-host"
        lines += [f'      host: "{host}"', f'      message: "step {index}"']
    lines.append("    next:")
    if following is not None:
        lines += ['      - when: "{{ succeeded() }}"', "        publish:",
                  f"          - status: step_{index}_done", "        do:", f"          - {following}"]
    lines += ['      - when: "{{ failed() }}"', "        publish:", "          - status: failed",
              "        do:", "          - report_failure"]
    return lines + [""]


def _workflow_lines(rng: random.Random, pack: str, neighbour: str, name: str, standalone: bool,
                    target_lines: int) -> list[str]:
    head = [f"# Generated workflow {pack}.{name}."]
    if standalone:
        head += [f"ref: {pack}.{name}", f'label: "{name.replace("_", " ").title()}"',
                 f'description: "Generated standalone workflow {name}"', f'version: "{rng.randint(1, 3)}.{rng.randint(0, 9)}"',
                 "", *PARAMETERS.splitlines(), "", *OUTPUT.splitlines()]
    else:
        head += [f'version: "{rng.randint(1, 3)}.{rng.randint(0, 9)}"']
    head += ["", "vars:", "  status: pending", "  attempts: 0", "", "tasks:"]
    tail = ["  - name: report_failure", "    action: core.echo", "    input:",
            '      message: "{{ parameters.service }} failed with status {{ workflow.status }}"', "",
            "output_map:", '  status: "{{ workflow.status }}"']
    # Tasks are about 14 lines each; add them until the file reaches its target length.
    count = max(1, (target_lines - len(head) - len(tail)) // 14)
    names = [f"step_{i}" for i in range(count)]
    body: list[str] = []
    for i, task in enumerate(names):
        roll = rng.random()
        if roll < 0.4:
            action = "core.echo"
        elif roll < 0.9:
            action = f"{pack}.{rng.choice(RUNNERS)}"
        else:
            action = f"{neighbour}.{rng.choice(RUNNERS)}"  # cross-pack call
        body += _task(rng, task, action, names[i + 1] if i + 1 < len(names) else None, i)
    return head + body + tail


def _mistake(rng: random.Random, lines: list[str], kind: str) -> list[str]:
    """One realistic mistake of ``kind`` in the workflow's lines (with a comment saying so)."""
    text = list(lines)

    def find(prefix: str) -> int:
        return next(i for i, line in enumerate(text) if line.startswith(prefix))

    if kind == "unquoted_version":
        text[find("version:")] = "version: 1.10  # mistake: read as 1.1"
    elif kind == "unknown_key":
        i = find("    action:")
        text.insert(i + 1, "    on_sucess: report_failure  # mistake: typo")
    elif kind == "missing_target":
        i = find("        do:") + 1
        text[i] = "          - stpe_x  # mistake: no such task"
    elif kind == "jinja_filter":
        i = find("      message:")
        text[i] = '      message: "{{ parameters.hosts | length }} hosts"  # mistake: Jinja filter'
    elif kind == "duplicate_key":
        i = find("    action:")
        text.insert(i + 1, "    action: core.noop  # mistake: duplicate key")
    elif kind == "retry_range":
        i = find("  - name:")
        text[i + 2:i + 2] = ["    retry:", "      count: 0  # mistake: must be 1..100"]
    elif kind == "syntax_error":
        i = find("    input:")
        text[i] = "   input:  # mistake: bad indentation"
    elif kind == "do_string":
        i = find("        do:")
        target = text[i + 1].strip().lstrip("- ")
        text[i:i + 2] = [f"        do: {target}  # mistake: must be a list"]
    elif kind == "unknown_action":
        i = find("    action:")
        text[i] = "    action: core.ehco  # mistake: typo of core.echo"
    elif kind == "unreachable":
        i = find("output_map:")
        text[i:i] = ["  - name: orphan_cleanup", "    action: core.noop", "    next:",
                     "      - do:", "          - orphan_cleanup", ""]
    elif kind == "vars_list":
        i = find("vars:")
        text[i:i + 3] = ["vars: [{status: pending}, {attempts: 0}]  # mistake: must be a map"]
    return text


def generate(out: Path, packs: int = 40, workflows: int = 100, seed: int = 1,
             mistake_rate: float = 0.1, min_lines: int = 30, max_lines: int = 150) -> Stats:
    """Write ``packs`` packs of ``workflows`` workflows each below ``out`` (replaced)."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    stats = Stats()

    def write(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        stats.files += 1
        stats.lines += text.count("\n")

    for p in range(packs):
        ref = f"gen_pack_{p:02d}"
        neighbour = f"gen_pack_{(p + 1) % packs:02d}"
        # Even packs: action-linked; odd packs: standalone; every fifth pack holds both.
        layout = "mixed" if p % 5 == 4 else ("linked" if p % 2 == 0 else "standalone")
        root = out / ref
        write(root / "pack.yaml", _pack_yaml(ref, layout, rng))
        for runner in RUNNERS:
            write(root / "actions" / f"{runner}.yaml", _runner_action(ref, runner))
            (root / "actions" / f"{runner}.sh").write_text("#!/bin/sh\necho '{\"healthy\": true}'\n")
        stats.packs += 1
        for w in range(workflows):
            name = f"flow_{w:03d}"
            standalone = layout == "standalone" or (layout == "mixed" and w % 2 == 1)
            lines = _workflow_lines(rng, ref, neighbour, name, standalone, rng.randint(min_lines, max_lines))
            if rng.random() < mistake_rate:
                kind = rng.choice(MISTAKES)
                lines = _mistake(rng, lines, kind)
                stats.mistakes[kind] = stats.mistakes.get(kind, 0) + 1
            text = "\n".join(lines) + "\n"
            if standalone:
                write(root / "workflows" / f"{name}.yaml", text)
            else:
                write(root / "actions" / "workflows" / f"{name}.workflow.yaml", text)
                write(root / "actions" / f"{name}.yaml", _linking_action(ref, name))
            stats.workflows += 1
    return stats


def _linking_action(pack: str, name: str) -> str:
    return f"""# Workflow action of {pack}.{name}.
ref: {pack}.{name}
label: "{name.replace('_', ' ').title()}"
description: "Generated workflow action {name}"
enabled: true
workflow_file: workflows/{name}.workflow.yaml

{PARAMETERS}
{OUTPUT}
tags:
  - workflow
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--packs", type=int, default=40)
    parser.add_argument("--workflows", type=int, default=100, help="workflows per pack")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mistakes", type=float, default=0.1, help="share of workflows with a mistake")
    args = parser.parse_args(argv)
    stats = generate(args.out, args.packs, args.workflows, args.seed, args.mistakes)
    print(f"{stats.packs} packs, {stats.workflows} workflows, {stats.files} YAML files, {stats.lines} lines; "
          f"mistakes: {sum(stats.mistakes.values())} {dict(sorted(stats.mistakes.items()))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
