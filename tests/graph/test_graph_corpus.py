"""Every workflow of the generated bench corpus (with mistakes) and of the mutated example
packs draws in every format without error, the Mermaid passes the structural check, and
Graphviz accepts a sample of the DOT."""
from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from attune_lint.graph import dot, mermaid, render
from attune_testkit import EXAMPLES, bench_generator
from graph_helpers import check_mermaid, dot_accepts, graphs
from test_mutations_never_crash import mutate


@pytest.fixture(scope="module")
def bench_graphs(tmp_path_factory: pytest.TempPathFactory) -> list:
    out = tmp_path_factory.mktemp("bench") / "packs"
    bench_generator().generate(out, packs=5, workflows=20, seed=18, mistake_rate=0.5)
    return graphs([out])


def test_bench_corpus_draws_in_every_format(bench_graphs: list) -> None:
    assert len(bench_graphs) == 100
    assert any(g.graph_findings for g in bench_graphs)  # the mistakes are on the pictures
    for graph in bench_graphs:
        check_mermaid(mermaid.render(graph))
        assert dot.render(graph).startswith("digraph ")
    data = json.loads(render(bench_graphs, "json"))
    assert len(data["workflows"]) == 100
    assert render(bench_graphs, "mermaid").count("```mermaid") == 100


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed")
def test_dot_accepts_a_sample_of_the_bench_corpus(bench_graphs: list) -> None:
    sample = random.Random(18).sample(bench_graphs, 15)
    sample += [g for g in bench_graphs if g.graph_findings][:5]
    done = dot_accepts(dot.render_many(sample))
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.count(b"<svg") == len(sample)


@pytest.mark.parametrize("seed", range(12))
def test_mutated_examples_draw_in_every_format(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    root = tmp_path / "packs"
    shutil.copytree(EXAMPLES, root)
    files = sorted(p for p in root.rglob("*.yaml") if "workflows" in p.parts)
    for path in rng.sample(files, 3):
        mutate(path, rng)
    drawn = graphs([root])
    assert drawn
    for graph in drawn:
        check_mermaid(mermaid.render(graph))
    json.loads(render(drawn, "json"))
    if shutil.which("dot") is not None:
        done = dot_accepts(dot.render_many(drawn))
        assert done.returncode == 0, done.stderr.decode()
