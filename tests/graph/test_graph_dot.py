"""Graphviz accepts the DOT output: ``dot -Tsvg`` renders every example and hostile graphs.

Needs the ``dot`` program (Debian package ``graphviz``; ``.ci/run`` installs it). Without it
the tests skip, unless ATTUNE_TEST_GRAPHVIZ=require (as in CI), where they fail.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from attune_lint.graph import dot
from attune_testkit import EXAMPLES
from graph_helpers import dot_accepts, graphs
from test_graph_model import HOSTILE, one

if shutil.which("dot") is None:
    if os.environ.get("ATTUNE_TEST_GRAPHVIZ") == "require":
        raise RuntimeError("ATTUNE_TEST_GRAPHVIZ=require but Graphviz 'dot' is not installed")
    pytest.skip("Graphviz 'dot' is not installed (apt-get install graphviz)", allow_module_level=True)


@pytest.mark.parametrize("graph", graphs([EXAMPLES]), ids=lambda g: g.title)
def test_dot_renders_every_example_to_svg(graph) -> None:  # type: ignore[no-untyped-def]
    done = dot_accepts(dot.render(graph))
    assert done.returncode == 0, done.stderr.decode()
    assert b"<svg" in done.stdout
    assert not done.stderr.strip(), done.stderr.decode()  # no warning either (syntax, charset)


def test_dot_renders_a_hostile_workflow(tmp_path: Path) -> None:
    done = dot_accepts(dot.render(one(tmp_path, HOSTILE)))
    assert done.returncode == 0, done.stderr.decode()
    assert b"<svg" in done.stdout


def test_dot_renders_several_workflows_in_one_input() -> None:
    done = dot_accepts(dot.render_many(graphs([EXAMPLES])))
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.count(b"<svg") == len(graphs([EXAMPLES]))
