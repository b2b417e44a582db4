"""A seeded generator of workflows full of legacy transitions, in varied YAML styles.

Each workflow has top-level tasks with random ``on_success``/``on_failure``/``on_complete``/
``on_timeout``, ``decision`` lists (with and without ``default``) and task-level
``publish`` (block and flow), comments above and after their lines, indentation of 2 or 4
with or without indented dashes, parallel tasks whose sub-tasks use legacy fields too, and
sub-sub-tasks (which the platform leaves as they are). The same seed gives the same files.
"""
from __future__ import annotations

import random
from pathlib import Path

CONDITIONS = ['"{{ succeeded() }}"', "'{{ failed() }}'", '"{{ result().code == 0 }}"', "{{ x }}"]


def _legacy_lines(rng: random.Random, names: list[str], pad: str, step: str, dash: str) -> list[str]:
    lines: list[str] = []
    fields = [f for f in ("on_success", "on_failure", "on_complete", "on_timeout") if rng.random() < 0.4]
    rng.shuffle(fields)
    for field in fields:
        if rng.random() < 0.3:
            lines.append(f"{pad}# about {field}")
        comment = f"  # {field} comment" if rng.random() < 0.4 else ""
        target = rng.choice(names)
        if rng.random() < 0.2:
            target = f'"{target}"'
        lines.append(f"{pad}{field}: {target}{comment}")
    if rng.random() < 0.3:
        lines.append(f"{pad}decision:" + ("  # branches" if rng.random() < 0.3 else ""))
        for _ in range(rng.randint(1, 3)):
            if rng.random() < 0.3:
                lines.append(f"{pad}{dash}# a branch")
            if rng.random() < 0.3:
                lines.append(f"{pad}{dash}- default: true")
                lines.append(f"{pad}{dash}  next: {rng.choice(names)}" + ("  # fallback" if rng.random() < 0.5 else ""))
            else:
                when = rng.choice(["{{ result().ok }}", "{{ workflow.n > 1 }}", "{{ succeeded() and true }}"])
                lines.append(f'{pad}{dash}- when: "{when}"' + ("  # cond" if rng.random() < 0.5 else ""))
                lines.append(f"{pad}{dash}  next: {rng.choice(names)}")
    if rng.random() < 0.5:
        if rng.random() < 0.3:
            lines.append(f"{pad}publish: [{{n: 1}}]" + ("  # flow" if rng.random() < 0.5 else ""))
        else:
            lines.append(f"{pad}publish:" + ("  # outputs" if rng.random() < 0.3 else ""))
            for k in range(rng.randint(1, 3)):
                if rng.random() < 0.2:
                    lines.append(f"{pad}{dash}# output {k}")
                lines.append(f'{pad}{dash}- out_{k}: "{{{{ result().v{k} }}}}"' + ("  # kept" if rng.random() < 0.3 else ""))
    return lines


def _task(rng: random.Random, name: str, names: list[str], pad: str, step: str, dash: str,
          depth: int) -> list[str]:
    lines = [f"{pad}action: core.echo", f"{pad}input:", f'{pad}{step}message: "{name}"']
    legacy = _legacy_lines(rng, names, pad, step, dash)
    cut = rng.randint(0, 2) if legacy else 0
    lines = lines[:1] + legacy + lines[1:] if cut == 0 else lines + legacy
    if depth < 2 and rng.random() < 0.25:
        sub_names = [f"{name}_s{i}" for i in range(rng.randint(1, 3))]
        lines.append(f"{pad}tasks:")
        for sub in sub_names:
            sub_pad = pad + dash + step
            lines.append(f"{pad}{dash}- name: {sub}")
            lines.extend(_task(rng, sub, sub_names, sub_pad, step, dash, depth + 1))
    return lines


def workflow_text(rng: random.Random) -> str:
    step = rng.choice(["  ", "    "])
    dash = rng.choice(["", step])
    names = [f"t{i}" for i in range(rng.randint(2, 7))]
    lines = ["# generated legacy workflow", 'version: "1.0.0"', "vars:", f"{step}n: 1", "tasks:"]
    for name in names:
        if rng.random() < 0.3:
            lines.append(f"{dash}# task {name}")
        lines.append(f"{dash}- name: {name}")
        lines.extend(_task(rng, name, names, dash + step, step, dash, 0))
    return "\n".join(lines) + "\n"


def generate(root: Path, seed: int, count: int = 20) -> Path:
    """A pack ``legacygen`` with ``count`` standalone workflows under ``root``."""
    rng = random.Random(seed)
    pack = root / "legacygen"
    (pack / "workflows").mkdir(parents=True, exist_ok=True)
    (pack / "pack.yaml").write_text('ref: legacygen\nlabel: Legacy Gen\nversion: "1.0.0"\n', encoding="utf-8")
    for i in range(count):
        (pack / "workflows" / f"wf_{i}.yaml").write_text(workflow_text(rng), encoding="utf-8")
    return pack
