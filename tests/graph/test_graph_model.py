"""The graph as the platform runs it: normalised legacy fields, dropped fields, entries,
unreachable tasks, parallel groups, findings on tasks and edges; hostile workflows."""
from __future__ import annotations

import json
from pathlib import Path

from attune_lint.graph import dot, mermaid, render
from attune_lint.graph.model import MAX_EDGES, Graph, condition_label
from attune_testkit import write_files, PACK_YAML
from graph_helpers import check_mermaid, graphs

HOSTILE = '''version: "1.0.0"
tasks:
  - name: "a \\"quoted\\" [x] {{ y }} # ; | é 🚀 <b> `x` %% end"
    action: core.echo
    on_success: b
    next:
      - when: "{{ succeeded() and ctx('x') | length > 3 and some very very long expression text that goes on }}"
        do: [b, 12, "missing one", "end"]
  - name: 12
    action: core.echo
  - action: core.echo
  - name: {x: 1}
  - name: [1, 2]
  - name: ""
  - name: b
    type: parallel
    tasks:
      - name: s1
        action: core.echo
        on_success: s2
      - name: s2
        tasks:
          - name: deep
            on_failure: s3
  - name: b
    action: core.noop
  - not a mapping
  - 
  - name: "line\\nbreak\\ttab\\u0000nul"
    next: [{do: ["line\\nbreak\\ttab\\u0000nul", {a: b}, [1]]}]
'''


def one(tmp_path: Path, text: str, name: str = "w.yaml") -> Graph:
    root = write_files(tmp_path / "p", {"pack.yaml": PACK_YAML, f"workflows/{name}": text})
    [graph] = graphs([root])
    return graph


def by_name(graph: Graph) -> dict[str, str]:
    return {n.name: n.id for n in graph.nodes}


def test_next_edges_conditions_and_publish(tmp_path: Path) -> None:
    graph = one(tmp_path, '''version: "1.0.0"
tasks:
  - name: a
    action: core.echo
    next:
      - when: "{{ succeeded() }}"
        publish: [{x: 1}, {y: 2}]
        do: [b, c]
      - when: "{{ failed() }}"
        do: [c]
      - do: [c]
      - when: "{{ result().code == 3 }}"
        do: [b]
  - name: b
    action: core.echo
  - name: c
    action: core.echo
''')
    ids = by_name(graph)
    edges = [(e.source, e.target, e.condition, e.publish) for e in graph.edges]
    assert edges == [
        (ids["a"], ids["b"], "succeeded", ["x", "y"]), (ids["a"], ids["c"], "succeeded", ["x", "y"]),
        (ids["a"], ids["c"], "failed", []), (ids["a"], ids["c"], "always", []),
        (ids["a"], ids["b"], "result().code == 3", []),
    ]
    entries = [n.name for n in graph.nodes if n.entry]
    assert entries == ["a"]
    # the all-match warning lands on the unconditional transition's edge
    assert [e.codes for e in graph.edges] == [[], [], [], ["AL307"], []]


def test_legacy_fields_become_edges_and_dropped_ones_draw_nothing(tmp_path: Path) -> None:
    graph = one(tmp_path, '''version: "1.0.0"
tasks:
  - name: a
    action: core.echo
    on_success: b
    on_failure: c
    publish: [{x: 1}]
  - name: b
    action: core.echo
    on_success: c
    next:
      - do: [d]
  - name: c
    action: core.echo
  - name: d
    action: core.echo
''')
    ids = by_name(graph)
    edges = [(e.source, e.target, e.condition, e.publish) for e in graph.edges]
    assert edges == [(ids["a"], ids["b"], "succeeded", ["x"]), (ids["a"], ids["c"], "failed", []),
                     (ids["b"], ids["d"], "always", [])]  # b's on_success is dropped: no b -> c
    b = next(n for n in graph.nodes if n.name == "b")
    assert "AL309" in b.codes


def test_unreachable_tasks_are_dimmed_and_carry_their_finding(tmp_path: Path) -> None:
    graph = one(tmp_path, '''version: "1.0.0"
tasks:
  - name: start
    action: core.echo
  - name: loop_a
    action: core.echo
    next: [{do: [loop_b]}]
  - name: loop_b
    action: core.echo
    next: [{when: "{{ failed() }}", do: [loop_a]}]
''')
    dimmed = {n.name: n.codes for n in graph.nodes if n.unreachable}
    assert dimmed == {"loop_a": ["AL304"], "loop_b": ["AL304"]}
    text = mermaid.render(graph)
    assert "class t1,t2 unreachable" in text
    assert 'style="rounded,filled,dashed"' in dot.render(graph)


def test_parallel_sub_tasks_are_grouped(tmp_path: Path) -> None:
    graph = one(tmp_path, '''version: "1.0.0"
tasks:
  - name: fan
    type: parallel
    tasks:
      - name: x
        action: core.echo
        next: [{do: [y]}]
      - name: y
        action: core.echo
      - name: z
        action: core.echo
    next: [{do: [done]}]
  - name: done
    action: core.echo
''')
    ids = by_name(graph)
    [group] = graph.groups
    assert group.task == ids["fan"]
    assert [n.name for n in graph.nodes if n.group == group.id] == ["x", "y", "z"]
    starts = [(e.source, e.target) for e in graph.edges if e.kind == "parallel"]
    assert starts == [(ids["fan"], ids["x"]), (ids["fan"], ids["z"])]
    text = mermaid.render(graph)
    assert f"subgraph {group.id}[" in text and "end" in [line.strip() for line in text.split("\n")]
    assert f"subgraph cluster_{group.id}" in dot.render(graph)


def test_marks_and_missing_targets(tmp_path: Path) -> None:
    graph = one(tmp_path, '''version: "1.0.0"
tasks:
  - name: a
    action: core.echo
    with_items: "{{ parameters.hosts }}"
    next: [{do: [nope]}]
''')
    a = graph.nodes[0]
    assert a.marks == ["with_items"]
    missing = [n for n in graph.nodes if n.kind == "missing"]
    assert [n.name for n in missing] == ["nope"]
    assert graph.edges[0].codes == ["AL302"]


def test_condition_labels() -> None:
    assert condition_label(None) == "always"
    assert condition_label("  ") == "always"
    assert condition_label("{{ succeeded() }}") == "succeeded"
    assert condition_label("{{failed()}}") == "failed"
    assert condition_label("{{ timed_out() }}") == "timed_out"
    assert condition_label("{{ x }} and {{ y }}") == "{{ x }} and {{ y }}"
    long = condition_label("{{ " + "a and " * 40 + "b }}")
    assert len(long) <= 40 and long.endswith("…")


def test_hostile_workflow_renders_valid_output(tmp_path: Path) -> None:
    graph = one(tmp_path, HOSTILE)
    text = mermaid.render(graph)
    check_mermaid(text)
    assert '"' not in "".join(line.split('"', 1)[1].rsplit('"', 1)[0] for line in text.split("\n") if '"' in line)
    data = json.loads(render([graph], "json"))
    assert len(data["workflows"][0]["nodes"]) == len(graph.nodes)
    ids = [n.id for n in graph.nodes]
    assert len(ids) == len(set(ids))
    # duplicates get their own node; the edge goes to the first of the name
    bs = [n for n in graph.nodes if n.name == "b"]
    assert len(bs) == 2 and "AL301" in bs[1].codes


def test_huge_fan_out_is_capped_below_mermaids_limit(tmp_path: Path) -> None:
    names = [f"t{i}" for i in range(700)]
    tasks = "".join(f"  - name: {n}\n    action: core.echo\n" for n in names[1:])
    text = f'version: "1.0.0"\ntasks:\n  - name: t0\n    action: core.echo\n    next: [{{do: [{", ".join(names[1:])}]}}]\n{tasks}'
    graph = one(tmp_path, text)
    assert len(graph.edges) == MAX_EDGES and graph.omitted_edges == 699 - MAX_EDGES
    check_mermaid(mermaid.render(graph))


def test_output_is_deterministic(tmp_path: Path) -> None:
    first = render([one(tmp_path / "1", HOSTILE)], "mermaid")
    second = render([one(tmp_path / "2", HOSTILE)], "mermaid")
    assert first == second


def test_large_graphs_stay_below_mermaids_text_limit(tmp_path: Path) -> None:
    names = [f"task_with_a_rather_long_descriptive_name_number_{i:04d}" for i in range(450)]
    tasks = "".join(f"  - name: {n}\n    action: core.echo\n    with_items: '{{{{ x }}}}'\n" for n in names[1:])
    text = (f'version: "1.0.0"\ntasks:\n  - name: {names[0]}\n    action: core.echo\n    next:\n'
            f'      - when: "{{{{ succeeded() and parameters.flag }}}}"\n        publish: [{{a: 1}}]\n'
            f'        do: [{", ".join(names[1:])}]\n{tasks}')
    graph = one(tmp_path, text)
    rendered = mermaid.render(graph)
    assert len(rendered) <= mermaid.MAX_TEXT
    check_mermaid(rendered)
    assert len(mermaid._render(graph, compact=False)) > mermaid.MAX_TEXT  # the full drawing would not fit


def test_two_long_missing_targets_alike_stay_two_nodes(tmp_path: Path) -> None:
    first, second = "x" * 70 + "_one", "x" * 70 + "_two"
    graph = one(tmp_path, f'''version: "1.0.0"
tasks:
  - name: a
    action: core.echo
    next: [{{do: [{first}, {second}]}}]
''')
    missing = [n for n in graph.nodes if n.kind == "missing"]
    assert len(missing) == 2 and len({e.target for e in graph.edges}) == 2
